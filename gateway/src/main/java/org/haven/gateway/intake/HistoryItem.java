package org.haven.gateway.intake;

/**
 * One message of the person's own copy of a conversation since hand-off.
 *
 * @param from who wrote it: {@code person}, {@code bot} or {@code coordinator}
 * @param text its text
 * @param language its language tag (null for the person's own words)
 * @param rtl whether it is written right to left
 */
public record HistoryItem(String from, String text, String language, boolean rtl) {}
