package org.haven.gateway.web;

/**
 * Who a page is shown to, as far as the page frame needs to know: the navigation it offers and the
 * CSRF token of its forms. Implemented by the inbox session, so that the frame depends on nothing
 * of the packages that use it.
 */
public interface Viewer {
    /** The name shown in the navigation bar. */
    String username();

    /** The token every form of this viewer carries. */
    String csrfToken();

    boolean isAdmin();

    boolean isAgency();

    /** Whether the second factor is done; until then the frame offers no navigation. */
    boolean secondFactorDone();

    /** Whether the viewer has chosen a passphrase; until then the frame offers no navigation. */
    boolean passphraseChosen();
}
