package org.haven.gateway.channel.webchat;

import org.haven.gateway.config.SettingsFamily;

/**
 * The web chat's settings ({@code HAVEN_WEBCHAT_*}). The web chat itself is always on and built by
 * {@code Haven.start}, so it is a settings family, not a channel kind.
 */
public final class WebChatSettings implements SettingsFamily {

    @Override
    public String settingsPrefix() {
        return "webchat_";
    }
}
