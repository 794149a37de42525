package org.haven.gateway.channel.twilio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The province an SMS or WhatsApp number's area code hints. */
class AreaCodesTest {

    /**
     * Verifies that each province's area codes give it, on SMS and WhatsApp alike; that the codes
     * shared by several provinces (782/902: Nova Scotia and Prince Edward Island; 867: the three
     * territories) give no hint; and that numbers outside Canada or malformed give none.
     */
    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(
            nullValues = "-",
            value = {
                "+13065550100, SK",
                "+16395550100, SK",
                "+14745550100, SK",
                "whatsapp:+13065550100, SK",
                "+15065550100, NB",
                "+14285550100, NB",
                "+17095550100, NL",
                "+18795550100, NL",
                "+12045550100, MB",
                "+14315550100, MB",
                "+15845550100, MB",
                "+14035550100, AB",
                "+15875550100, AB",
                "+17805550100, AB",
                "+18255550100, AB",
                "+13685550100, AB",
                "+12365550100, BC",
                "+12505550100, BC",
                "+12575550100, BC",
                "+16045550100, BC",
                "+16725550100, BC",
                "+17785550100, BC",
                "+14165550100, ON",
                "+16135550100, ON",
                "+18075550100, ON",
                "+19055550100, ON",
                "+16475550100, ON",
                "+17535550100, ON",
                "+15145550100, QC",
                "+14185550100, QC",
                "+18195550100, QC",
                "+12635550100, QC",
                "+14685550100, QC",
                "+19025550100, -",
                "+17825550100, -",
                "+18675550100, -",
                "whatsapp:+18675550100, -",
                "+12125550100, -",
                "+442071838750, -",
                "+130655501, -",
                "13065550100, -",
                "+13061550100, -",
                "-, -"
            })
    void testProvinceOfNumber(String address, String province) {
        assertEquals(Optional.ofNullable(province), AreaCodes.province(address), address);
    }
}
