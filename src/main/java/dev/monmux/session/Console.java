package dev.monmux.session;

/**
 * The operator's screen, as the session sees it: command output, and asynchronous lines (events,
 * notices) that must not corrupt what the operator is typing. Implemented by the telnet front end
 * for interactive and raw clients. All methods are called on the connection's event loop.
 */
public interface Console {
    /** True for a character-mode terminal with echo and line editing. */
    boolean interactive();

    /** Prints a command's output (lines end in {@code \r\n}), then the prompt. */
    void output(String text);

    /**
     * Prints {@code text}, then {@code question} instead of the prompt; the next line entered is
     * the answer. With {@code hidden} the answer is not shown as typed (a password): an
     * interactive client does not echo (monmux said {@code WILL ECHO}) and monmux draws nothing;
     * a raw client's own terminal may still show it.
     */
    void ask(String text, String question, boolean hidden);

    /**
     * Prints one line above the prompt, keeping the half-typed input intact.
     *
     * @param droppable true for events, which a client that stopped reading may lose (counted)
     */
    void notice(String line, boolean droppable);

    /** True while keys typed ahead are still waiting to be replayed into lines. */
    default boolean hasPendingInput() {
        return false;
    }

    /**
     * Stops (or resumes) reading from the client because too many of its lines are waiting;
     * nothing is dropped, the client's own socket buffer holds the rest.
     */
    void pauseInput(boolean paused);

    /** Closes the connection after writing what is pending. */
    void close();
}
