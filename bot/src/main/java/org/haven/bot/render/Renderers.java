package org.haven.bot.render;

import java.util.Locale;

/** The renderer for a channel name, so that the gateway chooses by configuration, not by code. */
public final class Renderers {

    private Renderers() {
    }

    /**
     * @param channel          "sms", "telegram" or "web"
     * @param smsSegmentBudget the most segments per SMS (used for "sms" only)
     * @return the channel's renderer
     * @throws IllegalArgumentException for an unknown channel
     */
    public static Renderer forChannel(String channel, int smsSegmentBudget) {
        return switch (channel == null ? "" : channel.toLowerCase(Locale.ROOT)) {
            case "sms" -> new SmsRenderer(smsSegmentBudget, true);
            case "telegram" -> ButtonRenderer.telegram();
            case "web" -> ButtonRenderer.web();
            default -> throw new IllegalArgumentException("unknown channel: " + channel);
        };
    }
}
