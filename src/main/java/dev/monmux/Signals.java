package dev.monmux;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.function.Consumer;

/**
 * POSIX signals. The JVM's own handling of SIGTERM runs shutdown hooks but exits with 143; an
 * orderly stop should exit 0, so monmux handles TERM and INT itself.
 *
 * <p>Through {@code sun.misc.Signal} (module {@code jdk.unsupported}, the only way a Java program
 * handles signals), reached by reflection: javac warns about every direct use of it, and no
 * annotation can silence that warning, which would keep the build from treating warnings as
 * errors.
 */
final class Signals {
    private static final Class<?> SIGNAL;
    private static final Class<?> HANDLER;
    private static final Method HANDLE;
    private static final Method NAME;

    static {
        try {
            SIGNAL = Class.forName("sun.misc.Signal");
            HANDLER = Class.forName("sun.misc.SignalHandler");
            HANDLE = SIGNAL.getMethod("handle", SIGNAL, HANDLER);
            NAME = SIGNAL.getMethod("getName");
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Signals() {}

    /**
     * Runs {@code action} on its own thread when SIGTERM or SIGINT arrives; the returned
     * {@code Runnable} puts the previous handlers back.
     */
    static Runnable onTerminate(Runnable action) {
        Object term = handle("TERM", name -> start(action, "monmux-" + name));
        Object intr = handle("INT", name -> start(action, "monmux-" + name));
        return () -> {
            restore("TERM", term);
            restore("INT", intr);
        };
    }

    /** Runs {@code action} on its own thread when SIGHUP arrives. */
    static void onHangup(Runnable action) {
        handle("HUP", name -> start(action, "monmux-HUP"));
    }

    /** Installs a handler for signal {@code name}; returns the previous one. */
    private static Object handle(String name, Consumer<String> onSignal) {
        InvocationHandler h = (proxy, method, args) -> {
            if (method.getName().equals("handle") && args != null && args.length == 1) {
                onSignal.accept((String) NAME.invoke(args[0]));
                return null;
            }
            return switch (method.getName()) {
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                default -> "monmux signal handler for SIG" + name;
            };
        };
        Object handler = Proxy.newProxyInstance(HANDLER.getClassLoader(), new Class<?>[] {HANDLER}, h);
        return install(name, handler);
    }

    private static void restore(String name, Object previous) {
        install(name, previous);
    }

    private static Object install(String name, Object handler) {
        try {
            Object signal = SIGNAL.getConstructor(String.class).newInstance(name);
            return HANDLE.invoke(null, signal, handler);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot handle SIG" + name + ": " + e, e);
        }
    }

    private static void start(Runnable action, String name) {
        Thread t = new Thread(action, name);
        t.setDaemon(false);
        t.start();
    }
}
