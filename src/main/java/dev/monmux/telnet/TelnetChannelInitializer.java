package dev.monmux.telnet;

import dev.monmux.config.LimitsConfig;
import dev.monmux.config.TelnetMode;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;

/** The pipeline of one telnet connection, protocol first, behaviour last. */
public final class TelnetChannelInitializer extends ChannelInitializer<SocketChannel> {
    private final TelnetMode mode;
    private final LimitsConfig limits;
    private final TelnetSessionHandler.SessionFactory sessions;
    private final TelnetSessionHandler.ConsoleSettings consoleSettings;

    public TelnetChannelInitializer(TelnetMode mode, LimitsConfig limits,
                                    TelnetSessionHandler.SessionFactory sessions,
                                    TelnetSessionHandler.ConsoleSettings consoleSettings) {
        this.mode = mode;
        this.limits = limits;
        this.sessions = sessions;
        this.consoleSettings = consoleSettings;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ch.pipeline()
                .addLast("telnet", new TelnetDecoder(limits.subnegotiationBytes()))
                .addLast("options", new TelnetNegotiationHandler(mode, limits.detectTimeout()))
                .addLast("session", new TelnetSessionHandler(sessions, consoleSettings));
    }
}
