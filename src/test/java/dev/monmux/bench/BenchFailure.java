package dev.monmux.bench;

/** A wrong, missing or late reply: the benchmark run is invalid and fails. */
final class BenchFailure extends RuntimeException {
    BenchFailure(String message) {
        super(message);
    }

    BenchFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
