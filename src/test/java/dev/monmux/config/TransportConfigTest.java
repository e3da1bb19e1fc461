package dev.monmux.config;

import static dev.monmux.config.OneVmConfig.error;
import static dev.monmux.config.OneVmConfig.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TransportConfigTest {
    @Test
    void defaultsToAutoAndNamesTheChoicesWhenWrong() throws Exception {
        assertEquals(TransportKind.AUTO, parse("").transport());
        assertEquals(TransportKind.NIO, parse("transport: nio\n").transport());
        assertEquals(TransportKind.EPOLL, parse("transport: EPOLL\n").transport());
        assertEquals(
                "test.yaml: line 3, column 12: transport: expected one of auto, epoll, nio, found \"kqueue\"",
                error("transport: kqueue\n"));
    }
}
