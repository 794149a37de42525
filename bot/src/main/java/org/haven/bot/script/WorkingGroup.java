package org.haven.bot.script;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A working group and the places (cities, provinces, abbreviations) it covers.
 *
 * @param id the id ("toronto")
 * @param name its name per language
 * @param places place names, matched case- and accent-insensitively
 * @param line where it is defined
 * @param provinces place name → its province or territory code, for the places listed under a code
 *     ({@code places: {ON: [Ottawa], QC: [Gatineau]}}); a place listed without one has none
 */
public record WorkingGroup(
        String id, Text name, List<String> places, int line, Map<String, String> provinces) {

    /** Makes an immutable group. */
    public WorkingGroup {
        places = List.copyOf(places);
        provinces = Map.copyOf(provinces);
    }

    /** A group whose places name no province. */
    public WorkingGroup(String id, Text name, List<String> places, int line) {
        this(id, name, places, line, Map.of());
    }

    /**
     * @param place one of {@link #places()}
     * @return the code it was listed under, if any
     */
    public Optional<String> province(String place) {
        return Optional.ofNullable(provinces.get(place));
    }
}
