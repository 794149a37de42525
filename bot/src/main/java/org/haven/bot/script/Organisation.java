package org.haven.bot.script;

import java.util.List;

/**
 * One organisation of the referral directory, which administrators edit.
 *
 * @param name the organisation's name
 * @param serves working group ids it serves, or "national"; may be empty when {@code provinces} is
 *     given
 * @param provinces the provinces and territories it serves ({@link Provinces} codes), or empty: an
 *     entry with provinces is offered only to a person in one of them, before their working group's
 *     and the national entries
 * @param where the city or province, as shown to people
 * @param services what it does (service names used by referral rules)
 * @param contact how to reach it
 * @param line where it is defined in the directory file
 */
public record Organisation(
        String name,
        List<String> serves,
        String where,
        List<String> services,
        String contact,
        int line,
        List<String> provinces) {

    /** Makes an immutable entry. */
    public Organisation {
        serves = List.copyOf(serves);
        services = List.copyOf(services);
        provinces = List.copyOf(provinces);
    }

    /**
     * An entry for working groups only (no province of its own).
     *
     * @param name the organisation's name
     * @param serves working group ids it serves, or "national"
     * @param where the city or province, as shown to people
     * @param services what it does
     * @param contact how to reach it
     * @param line where it is defined in the directory file
     */
    public Organisation(
            String name,
            List<String> serves,
            String where,
            List<String> services,
            String contact,
            int line) {
        this(name, serves, where, services, contact, line, List.of());
    }

    /**
     * @param province the person's province or territory code, or null when not known
     * @return whether the entry may be offered to that person: it names no province, or theirs
     */
    public boolean servesProvince(String province) {
        return provinces.isEmpty() || (province != null && provinces.contains(province));
    }
}
