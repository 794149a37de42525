/**
 * Per-channel rendering of {@link org.haven.bot.Reply replies}, separate from the dialogue: SMS
 * (numbered options, each message within a segment budget), Telegram and web (buttons). Long texts
 * are split at sentence boundaries.
 */
package org.haven.bot.render;
