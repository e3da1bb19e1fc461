package dev.monmux.net;

import dev.monmux.config.TransportKind;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;

/**
 * How monmux's sockets are driven, chosen once at start ({@code transport:} in the config): Linux's
 * epoll through Netty's native transport (edge-triggered, fewer system calls and wake-ups per
 * command than NIO's selector, and unix sockets that honour a client's half-close), or Java's NIO
 * where the native library is not available. Every event loop group and every channel class and
 * unix socket address monmux uses comes from here, so they always match.
 */
public final class Transport {
    public static final Transport EPOLL = new Transport(true);
    public static final Transport NIO = new Transport(false);

    private final boolean epoll;

    private Transport(boolean epoll) {
        this.epoll = epoll;
    }

    /** The transport {@code kind} asks for; {@code epoll} where it cannot load is a one-line error. */
    public static Transport choose(TransportKind kind) {
        return switch (kind) {
            case NIO -> NIO;
            case AUTO -> Epoll.isAvailable() ? EPOLL : NIO;
            case EPOLL -> {
                if (!Epoll.isAvailable()) {
                    Throwable why = Epoll.unavailabilityCause();
                    throw new IllegalStateException("transport: epoll is not available here ("
                            + (why == null || why.getMessage() == null ? "no native library" : why.getMessage())
                            + "); use transport: auto or nio");
                }
                yield EPOLL;
            }
        };
    }

    /** {@code epoll} or {@code nio}, for the log line at start. */
    public String label() {
        return epoll ? "epoll" : "nio";
    }

    /** Whether a unix socket client's half-close reaches monmux as end of input (epoll: yes). */
    public boolean unixHalfClose() {
        return epoll;
    }

    /** Whether a unix socket's peer credentials (the client's uid and gid) can be read (epoll: yes). */
    public boolean peerCredentials() {
        return epoll;
    }

    public IoHandlerFactory ioHandlerFactory() {
        return epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    /** A new event loop group of {@code threads} threads (0: Netty's default, twice the cores). */
    public EventLoopGroup newGroup(int threads) {
        return new MultiThreadIoEventLoopGroup(threads, ioHandlerFactory());
    }

    public Class<? extends ServerChannel> tcpServer() {
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public Class<? extends Channel> tcpClient() {
        return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    public Class<? extends ServerChannel> unixServer() {
        return epoll ? EpollServerDomainSocketChannel.class : NioServerDomainSocketChannel.class;
    }

    public Class<? extends Channel> unixClient() {
        return epoll ? EpollDomainSocketChannel.class : NioDomainSocketChannel.class;
    }

    /** The address of the unix socket at {@code path}, in the form this transport's channels take. */
    public SocketAddress unix(Path path) {
        return epoll ? new DomainSocketAddress(path.toString()) : UnixDomainSocketAddress.of(path);
    }

    /** {@code address} in the form this transport's channels take (unix addresses differ). */
    public SocketAddress remote(SocketAddress address) {
        return epoll && address instanceof UnixDomainSocketAddress u ? unix(u.getPath()) : address;
    }

    @Override
    public String toString() {
        return label();
    }
}
