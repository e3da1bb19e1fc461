package dev.monmux.testing;

/**
 * What a test client has received so far, filled by its reader thread, and a mark the test
 * moves forward with {@link #await}: the one way every test client waits for output.
 */
public final class ReceivedText {
    private final String who;
    private final StringBuilder text = new StringBuilder();
    private int mark;
    private volatile boolean ended;

    /** @param who names the client in failure messages ({@code openssl s_client}, ...) */
    public ReceivedText(String who) {
        this.who = who;
    }

    /** The reader received {@code s}. */
    public void append(String s) {
        synchronized (text) {
            text.append(s);
            text.notifyAll();
        }
    }

    /** The reader saw the end (connection closed, process exited). */
    public void end() {
        synchronized (text) {
            ended = true;
            text.notifyAll();
        }
    }

    public boolean ended() {
        return ended;
    }

    /**
     * Waits until {@code expected} appears after the mark, moves the mark past it and returns the
     * text from the old mark up to and including it.
     */
    public String await(String expected, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        synchronized (text) {
            while (true) {
                int i = text.indexOf(expected, mark);
                if (i >= 0) {
                    String got = text.substring(mark, i + expected.length());
                    mark = i + expected.length();
                    return got;
                }
                long left = deadline - System.currentTimeMillis();
                if (left <= 0 || ended) {
                    throw new AssertionError(who + ": did not see " + TelnetTestClient.show(expected) + " within "
                            + timeoutMs + " ms" + (ended ? " (it ended)" : "") + "; got after mark: "
                            + TelnetTestClient.show(text.substring(mark)));
                }
                text.wait(left);
            }
        }
    }

    /** Everything received so far. */
    public String all() {
        synchronized (text) {
            return text.toString();
        }
    }
}
