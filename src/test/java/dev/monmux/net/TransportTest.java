package dev.monmux.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.monmux.config.TransportKind;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TransportTest {
    @Test
    void autoIsEpollOnLinuxBecauseTheJarShipsItsNativeLibrary() {
        // The build targets Linux x86_64 (netty-transport-native-epoll, linux-x86_64): here auto
        // must not quietly fall back to NIO.
        assertSame(Transport.EPOLL, Transport.choose(TransportKind.AUTO));
        assertSame(Transport.EPOLL, Transport.choose(TransportKind.EPOLL));
        assertSame(Transport.NIO, Transport.choose(TransportKind.NIO));
        assertEquals(EpollServerDomainSocketChannel.class, Transport.EPOLL.unixServer());
        assertEquals(NioServerDomainSocketChannel.class, Transport.NIO.unixServer());
    }

    @Test
    void unixAddressesTakeTheFormOfTheTransport() {
        Path p = Path.of("/run/qemu/web1.qmp");
        assertEquals(
                new DomainSocketAddress("/run/qemu/web1.qmp"), Transport.EPOLL.remote(UnixDomainSocketAddress.of(p)));
        assertEquals(UnixDomainSocketAddress.of(p), Transport.NIO.remote(UnixDomainSocketAddress.of(p)));
    }
}
