package dev.monmux.tls;

import dev.monmux.config.ConfigException;
import dev.monmux.config.TlsConfig;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The TLS side of one listener: an {@link SslContext} built from the PEM files of a
 * {@link TlsConfig} with the JDK's TLS (no native library). The context can be replaced while the
 * listener runs (a reload re-reads the files: rotated certificates apply to new connections).
 */
public final class ServerTls {
    private final TlsConfig config;
    private volatile SslContext context;

    private ServerTls(TlsConfig config, SslContext context) {
        this.config = config;
        this.context = context;
    }

    /** Reads the files; fails with a one-line message naming the key and the file. */
    public static ServerTls load(String key, TlsConfig config, Path baseDir) throws ConfigException {
        return new ServerTls(config, context(key, config, baseDir));
    }

    public TlsConfig config() {
        return config;
    }

    /** A handler for a new connection (the context in force now). */
    public SslHandler newHandler(ByteBufAllocator alloc) {
        return context.newHandler(alloc);
    }

    /** Uses {@code fresh}'s context from now on (a reload that read the files again). */
    public void replaceWith(ServerTls fresh) {
        this.context = fresh.context;
    }

    static SslContext context(String key, TlsConfig c, Path baseDir) throws ConfigException {
        File cert = file(key + ".cert", c.cert(), baseDir);
        File pkey = file(key + ".key", c.key(), baseDir);
        SslContextBuilder b;
        try {
            b = SslContextBuilder.forServer(cert, pkey);
        } catch (IllegalArgumentException e) {
            throw ConfigException.invalid(key, "cannot use cert " + cert + " with key " + pkey + ": " + reason(e));
        }
        b.sslProvider(SslProvider.JDK);
        if (c.clientCa() != null) {
            b.trustManager(file(key + ".clientCa", c.clientCa(), baseDir));
        }
        b.clientAuth(
                switch (c.clientAuth()) {
                    case NONE -> ClientAuth.NONE;
                    case OPTIONAL -> ClientAuth.OPTIONAL;
                    case REQUIRE -> ClientAuth.REQUIRE;
                });
        try {
            return b.build();
        } catch (Exception e) {
            throw ConfigException.invalid(
                    key,
                    "cannot use cert " + cert + ", key " + pkey
                            + (c.clientCa() == null ? "" : ", clientCa " + baseDir.resolve(c.clientCa())) + ": "
                            + reason(e));
        }
    }

    private static File file(String key, String name, Path baseDir) throws ConfigException {
        Path p = baseDir.resolve(name);
        if (!Files.isReadable(p)) {
            throw ConfigException.invalid(
                    key, "cannot read " + p + (Files.exists(p) ? " (permission denied)" : " (no such file)"));
        }
        return p.toFile();
    }

    /** The innermost message: the one that says what is wrong with the file. */
    private static String reason(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? "TLS failure" : t.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
