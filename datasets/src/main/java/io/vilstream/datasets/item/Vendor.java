package io.vilstream.datasets.item;

import java.util.Locale;

/**
 * Whose drawing of an emoji a rendition is. The declaration order is the rendition order of
 * every item and event: Google first (the primary image view), then Twitter.
 */
public enum Vendor {
    GOOGLE("google", "Apache-2.0"),
    TWITTER("twitter", "CC-BY-4.0");

    private final String id;
    private final String licence;

    Vendor(String id, String licence) {
        this.id = id;
        this.licence = licence;
    }

    /** The folder name upstream ({@code img/<id>/64/}) and the event's rendition source. */
    public String id() {
        return id;
    }

    /** SPDX identifier of the images' licence; both require attribution (see NOTICE). */
    public String licence() {
        return licence;
    }

    public static Vendor parse(String id) {
        for (Vendor vendor : values()) {
            if (vendor.id.equals(id.toLowerCase(Locale.ROOT))) {
                return vendor;
            }
        }
        throw new IllegalArgumentException("unknown vendor '" + id + "', expected google or twitter");
    }
}
