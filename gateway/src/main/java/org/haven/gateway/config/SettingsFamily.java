package org.haven.gateway.config;

import java.util.List;
import java.util.ServiceLoader;

/**
 * A family of settings that a part of Haven parses itself from {@link HavenConfig#settings()}, all
 * named with one prefix ({@code twilio_} for {@code HAVEN_TWILIO_*}). Families are registered in
 * {@code META-INF/services/org.haven.gateway.config.SettingsFamily} (each channel's kind is one),
 * so that a new channel's settings are known, and its typos refused, without a list to edit here.
 */
public interface SettingsFamily {

    /** The prefix of the family's settings, lower case, ending in {@code _}. */
    String settingsPrefix();

    /** Every registered family, in the order the services files list them. */
    static List<SettingsFamily> registered() {
        return ServiceLoader.load(SettingsFamily.class, SettingsFamily.class.getClassLoader())
                .stream()
                .map(ServiceLoader.Provider::get)
                .toList();
    }
}
