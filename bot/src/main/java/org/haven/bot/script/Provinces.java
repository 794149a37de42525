package org.haven.bot.script;

import java.util.Set;

/**
 * Canada's provinces and territories by their two-letter postal codes, the one spelling a script
 * and its directory use for them ({@code provinces: [SK, NB]} on a directory entry, the keys of a
 * working group's {@code places} mapping), so that a person can be offered the services of their
 * own province, the provinces without a working group included.
 */
public final class Provinces {

    /** The thirteen codes. */
    public static final Set<String> CODES =
            Set.of("AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT");

    private Provinces() {}

    /**
     * @param code a string from a script, a directory or a channel
     * @return whether it is one of the thirteen codes, as written (upper case)
     */
    public static boolean isCode(String code) {
        return code != null && CODES.contains(code);
    }
}
