package dev.monmux.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** Opens many {@link RawClient}s to monmux, a bounded number at a time, and collects failures. */
final class ClientPool {
    private final EventLoopGroup group;
    final AtomicReference<String> failure = new AtomicReference<>();

    ClientPool(EventLoopGroup group) {
        this.group = group;
    }

    /** Fails the run if a client reported a wrong or missing reply. */
    void check() {
        String f = failure.get();
        if (f != null) {
            throw new BenchFailure(f);
        }
    }

    /**
     * Opens {@code n} clients (numbered from {@code first}); returns once each is {@code ready}
     * (the driver counts down {@code ready} per client, e.g. after its banner or first replies).
     */
    List<RawClient> open(
            int port,
            int first,
            int n,
            boolean eventMode,
            RawClient.Driver driver,
            CountDownLatch ready,
            long timeoutSeconds)
            throws InterruptedException {
        Semaphore connecting = new Semaphore(200);
        List<RawClient> clients = new ArrayList<>(n);
        Bootstrap b = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        long readyBefore = ready.getCount();
        for (int i = 0; i < n; i++) {
            long left = deadline - System.nanoTime();
            if (!connecting.tryAcquire(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                throw new BenchFailure("clients did not become ready within " + timeoutSeconds + " s ("
                        + (readyBefore - ready.getCount()) + " of " + n + ")");
            }
            check();
            RawClient c = new RawClient(
                    first + i,
                    new ReleasingDriver(driver, connecting),
                    eventMode,
                    why -> failure.compareAndSet(null, why));
            clients.add(c);
            b.clone()
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(c);
                        }
                    })
                    .connect("127.0.0.1", port)
                    .addListener(f -> {
                        if (!f.isSuccess()) {
                            failure.compareAndSet(null, "client " + c.index + " could not connect: " + f.cause());
                            connecting.release();
                        }
                    });
        }
        if (!ready.await(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            check();
            throw new BenchFailure("clients did not become ready within " + timeoutSeconds + " s ("
                    + (readyBefore - ready.getCount()) + " of " + n + ")");
        }
        check();
        return clients;
    }

    static void closeAll(List<RawClient> clients) {
        for (RawClient c : clients) {
            c.close();
        }
    }

    /** Lets the next client connect once this one is ready (its driver says so). */
    private static final class ReleasingDriver implements RawClient.Driver {
        private final RawClient.Driver d;
        private final Semaphore connecting;

        ReleasingDriver(RawClient.Driver d, Semaphore connecting) {
            this.d = d;
            this.connecting = connecting;
        }

        @Override
        public void onBanner(RawClient c) {
            d.onBanner(c);
            if (c.outstanding() == 0) {
                connecting.release();
            }
        }

        @Override
        public void onReply(RawClient c) {
            d.onReply(c);
            if (c.outstanding() == 0 && c.replies <= 2) {
                connecting.release();
            }
        }

        @Override
        public void onEvent(RawClient c, String name, long arrivedMicros) {
            d.onEvent(c, name, arrivedMicros);
        }
    }
}
