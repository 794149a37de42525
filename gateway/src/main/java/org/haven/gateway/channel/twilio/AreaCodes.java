package org.haven.gateway.channel.twilio;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Canada's telephone area codes (North American Numbering Plan, country code +1), each with the
 * province or territory it serves, so that a person texting from {@code +1 306 …} can be offered
 * Saskatchewan's crisis lines the moment they say they are in danger, before they name a place.
 *
 * <p>The hint is only that: a number keeps its area code when its owner moves, and it says nothing
 * for 782/902 (Nova Scotia and Prince Edward Island share them) and 867 (the three territories),
 * nor for a number outside Canada. It is a province code for one step's replies, never stored or
 * logged; the number it comes from is not kept anywhere new.
 *
 * <p>Source: the Canadian Numbering Administrator's list of area codes (public NANP data), as of
 * 2026. Area codes announced but not yet in service are included where their province is settled
 * (they reach no one until they open, so including them early is harmless).
 */
public final class AreaCodes {

    /** {@code +1}, then ten digits: the area code and the number (any {@code whatsapp:} prefix). */
    private static final Pattern NANP =
            Pattern.compile("(?:whatsapp:)?\\+1([2-9][0-9]{2})[2-9][0-9]{6}");

    private static final Map<String, String> PROVINCE = new HashMap<>();

    static {
        put("AB", "368", "403", "587", "780", "825");
        put("BC", "236", "250", "257", "604", "672", "778");
        put("MB", "204", "431", "584");
        put("NB", "428", "506");
        put("NL", "709", "879");
        put(
                "ON", "226", "249", "289", "343", "365", "382", "416", "437", "519", "548", "613",
                "647", "683", "705", "742", "753", "807", "905", "942");
        put(
                "QC", "263", "354", "367", "418", "438", "450", "468", "514", "579", "581", "819",
                "873");
        put("SK", "306", "474", "639");
        // the newest overlays (AB 368, BC 257, MB 584, NB 428, NL 879, ON 382/683/742/753/942,
        // QC 263/354/468, SK 474) are from the administrator's announcements; 942 (Toronto, after
        // 416/647/437) is the least certain: check it against the current list before relying on
        // it.
        // 782 and 902 serve both Nova Scotia and Prince Edward Island, 867 all three territories:
        // no single province, so no hint (they are left out on purpose)
    }

    private static void put(String province, String... codes) {
        for (String c : codes) {
            if (PROVINCE.put(c, province) != null) {
                throw new IllegalStateException("area code listed twice: " + c);
            }
        }
    }

    private AreaCodes() {}

    /**
     * @param address an SMS number ({@code +13065550100}) or a WhatsApp address ({@code
     *     whatsapp:+13065550100})
     * @return the province or territory code its area code serves alone, or empty: not a North
     *     American number, an area code outside Canada, or one shared by several provinces
     */
    public static Optional<String> province(String address) {
        if (address == null) {
            return Optional.empty();
        }
        Matcher m = NANP.matcher(address);
        return m.matches() ? Optional.ofNullable(PROVINCE.get(m.group(1))) : Optional.empty();
    }
}
