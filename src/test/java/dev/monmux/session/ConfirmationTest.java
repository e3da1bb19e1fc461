package dev.monmux.session;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ConfirmationTest {
    @Test
    void onlyYesConfirmsAndTheNextLineIsACommandAgain() {
        Confirmation c = new Confirmation();
        assertFalse(c.waiting());
        CompletableFuture<Boolean> q = c.ask();
        assertTrue(c.waiting());
        c.answer("  yes ");
        assertTrue(q.join());
        assertFalse(c.waiting(), "answered: the next line is a command");
        for (String no : new String[] {"y", "YES", "no", "", "yes please"}) {
            CompletableFuture<Boolean> r = c.ask();
            c.answer(no);
            assertFalse(r.join(), no);
        }
    }

    @Test
    void theSessionEndingAnswersNo() {
        Confirmation c = new Confirmation();
        CompletableFuture<Boolean> q = c.ask();
        c.cancel();
        assertFalse(q.join());
        c.cancel(); // nothing pending: nothing happens
        assertFalse(c.waiting());
    }
}
