package org.haven.bot;

import java.util.List;

/**
 * An intake script (or its referral directory) could not be loaded; errors are "file:line:
 * message".
 */
public final class ScriptException extends Exception {

    private static final long serialVersionUID = 1L;

    private final List<String> errors;

    /**
     * Makes the exception.
     *
     * @param errors the problems found, each "file:line: message"
     */
    public ScriptException(List<String> errors) {
        super(
                errors.isEmpty()
                        ? "invalid script"
                        : errors.size() + " error(s), first: " + errors.get(0));
        this.errors = List.copyOf(errors);
    }

    /**
     * Returns the problems found.
     *
     * @return each "file:line: message"
     */
    public List<String> errors() {
        return errors;
    }
}
