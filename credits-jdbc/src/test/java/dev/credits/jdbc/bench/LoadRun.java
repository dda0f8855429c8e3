package dev.credits.jdbc.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Runs one operation from N threads, as fast as each can, for a warm-up and then a measured window: counts the
 * operations that started in the window, records their latencies, and samples CPU at both ends of the window.
 */
final class LoadRun {

    /** One operation; returns false when it was refused (e.g. a rejected deduction), which counts as an error. */
    @FunctionalInterface
    interface Operation {
        boolean run(SplittableRandom random) throws Exception;
    }

    /**
     * @param clientCpuNanos CPU the client used in the window (-1 unknown)
     * @param serverCpuNanos CPU the database server used in the window (-1 unknown)
     */
    record Result(int threads, long ops, long errors, double seconds, LatencyHistogram latencies,
                  long clientCpuNanos, long serverCpuNanos, String firstError) {

        double opsPerSecond() {
            return ops / seconds;
        }

        /** @return CPU microseconds per operation, or NaN when unknown */
        static double perOp(long nanos, long ops) {
            return nanos < 0 || ops == 0 ? Double.NaN : nanos / 1000.0 / ops;
        }

        double clientMicrosPerOp() {
            return perOp(clientCpuNanos, ops);
        }

        double serverMicrosPerOp() {
            return perOp(serverCpuNanos, ops);
        }
    }

    private LoadRun() {
    }

    static Result run(int threads, Duration warmup, Duration window, Operation operation, LongSupplier clientCpu,
                      LongSupplier serverCpu) throws InterruptedException {
        long start = System.nanoTime();
        long measureFrom = start + warmup.toNanos();
        long measureTo = measureFrom + window.toNanos();
        List<LatencyHistogram> histograms = new ArrayList<>();
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(threads);
        List<Thread> workers = new ArrayList<>();
        long seed = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            LatencyHistogram histogram = new LatencyHistogram();
            histograms.add(histogram);
            SplittableRandom random = new SplittableRandom(seed + 7919L * t);
            Thread worker = new Thread(() -> {
                try {
                    while (true) {
                        long begin = System.nanoTime();
                        if (begin >= measureTo) {
                            break;
                        }
                        boolean ok;
                        String error = null;
                        try {
                            ok = operation.run(random);
                            if (!ok) {
                                error = "operation refused";
                            }
                        } catch (Exception | AssertionError e) {
                            ok = false;
                            error = e.toString();
                        }
                        long end = System.nanoTime();
                        if (begin >= measureFrom) {
                            histogram.record((end - begin) / 1000);
                            if (!ok) {
                                errors.incrementAndGet();
                            }
                        }
                        if (!ok) {
                            firstError.compareAndSet(null, error);
                        }
                    }
                } finally {
                    done.countDown();
                }
            }, "bench-" + t);
            worker.setDaemon(true);
            workers.add(worker);
        }
        workers.forEach(Thread::start);
        sleepUntil(measureFrom);
        long client0 = clientCpu.getAsLong();
        long server0 = serverCpu.getAsLong();
        sleepUntil(measureTo);
        long client1 = clientCpu.getAsLong();
        long server1 = serverCpu.getAsLong();
        done.await();
        LatencyHistogram all = new LatencyHistogram();
        histograms.forEach(all::add);
        double seconds = window.toNanos() / 1e9;
        return new Result(threads, all.count(), errors.get(), seconds, all,
                client0 < 0 || client1 < 0 ? -1 : client1 - client0,
                server0 < 0 || server1 < 0 ? -1 : server1 - server0, firstError.get());
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            Thread.sleep(Math.max(1, Math.min(left / 1_000_000, 200)));
        }
    }
}
