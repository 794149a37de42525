package org.haven.bot.script;

import java.util.List;

/**
 * A working group and the places (cities, provinces, abbreviations) it covers.
 *
 * @param id the id ("toronto")
 * @param name its name per language
 * @param places place names, matched case- and accent-insensitively
 * @param line where it is defined
 */
public record WorkingGroup(String id, Text name, List<String> places, int line) {

    /** Makes an immutable group. */
    public WorkingGroup {
        places = List.copyOf(places);
    }
}
