package org.haven.bot.script;

import java.util.List;

/**
 * One organisation of the referral directory, which administrators edit.
 *
 * @param name the organisation's name
 * @param serves working group ids it serves, or "national"
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
        int line) {

    /** Makes an immutable entry. */
    public Organisation {
        serves = List.copyOf(serves);
        services = List.copyOf(services);
    }
}
