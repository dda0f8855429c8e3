package dev.credits.jdbc.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Runs one operation from N threads, as fast as each can, for a warm-up (extended until the JIT has settled) and then
 * a measured window: counts the operations that started in the window, records their latencies, and samples CPU at
 * both ends of the window.
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
     * @param extraWarmupMillis how much longer than asked the warm-up ran, waiting for the JIT to settle
     * @param jitMillis      JIT compilation time in the window (-1 unknown, e.g. pgbench)
     */
    record Result(int threads, long ops, long errors, double seconds, LatencyHistogram latencies,
                  long clientCpuNanos, long serverCpuNanos, String firstError, long extraWarmupMillis,
                  long jitMillis) {

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

        /** @return this and {@code other} as one run (windows added up) */
        Result plus(Result other) {
            LatencyHistogram both = new LatencyHistogram();
            both.add(latencies);
            both.add(other.latencies);
            return new Result(threads, ops + other.ops, errors + other.errors, seconds + other.seconds, both,
                    sum(clientCpuNanos, other.clientCpuNanos), sum(serverCpuNanos, other.serverCpuNanos),
                    firstError != null ? firstError : other.firstError, extraWarmupMillis + other.extraWarmupMillis,
                    sum(jitMillis, other.jitMillis));
        }

        private static long sum(long a, long b) {
            return a < 0 || b < 0 ? -1 : a + b;
        }

        double serverMicrosPerOp() {
            return perOp(serverCpuNanos, ops);
        }
    }

    private static final long JIT_PROBE_MILLIS = 2_000;
    private static final long JIT_QUIET_MILLIS = 100;
    private static final int MAX_EXTRA_WARMUP = 4;

    private LoadRun() {
    }

    /**
     * @param settleJit whether to extend the warm-up until the JIT has settled (the first run of a workload)
     */
    static Result run(int threads, Duration warmup, boolean settleJit, Duration window, Operation operation,
                      LongSupplier clientCpu, LongSupplier serverCpu) throws InterruptedException {
        Window shared = new Window();
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
                        if (begin >= shared.to) {
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
                        if (begin >= shared.from) {
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
        Thread.sleep(warmup.toMillis());
        long jitWarmup = settleJit ? settleJit(warmup) : 0;
        long from = System.nanoTime();
        long to = from + window.toNanos();
        long client0 = clientCpu.getAsLong();
        long server0 = serverCpu.getAsLong();
        long jit0 = jitMillis();
        shared.open(from, to);
        sleepUntil(to);
        long client1 = clientCpu.getAsLong();
        long server1 = serverCpu.getAsLong();
        long jit = jit0 < 0 ? -1 : jitMillis() - jit0;
        done.await();
        LatencyHistogram all = new LatencyHistogram();
        histograms.forEach(all::add);
        return new Result(threads, all.count(), errors.get(), window.toNanos() / 1e9, all,
                client0 < 0 || client1 < 0 ? -1 : client1 - client0,
                server0 < 0 || server1 < 0 ? -1 : server1 - server0, firstError.get(), jitWarmup, jit);
    }

    /** The measured window, open to every worker at once. */
    private static final class Window {
        volatile long from = Long.MAX_VALUE;
        volatile long to = Long.MAX_VALUE;

        void open(long from, long to) {
            this.to = to;
            this.from = from;
        }
    }

    /**
     * Extends the warm-up until the JIT compiler is done with the workload's code (less than
     * {@value #JIT_QUIET_MILLIS} ms of compilation in each of two {@value #JIT_PROBE_MILLIS} ms probes), at most {@value #MAX_EXTRA_WARMUP}
     * times the warm-up (at least 30 s) longer: compilation burns the CPU the client and the database share.
     *
     * @return the extra warm-up in milliseconds
     */
    private static long settleJit(Duration warmup) throws InterruptedException {
        long start = System.nanoTime();
        long limit = Math.max(30_000, MAX_EXTRA_WARMUP * warmup.toMillis());
        long before = jitMillis();
        if (before < 0) {
            return 0;
        }
        int quiet = 0;
        while (quiet < 2 && (System.nanoTime() - start) / 1_000_000 < limit) {
            Thread.sleep(JIT_PROBE_MILLIS);
            long now = jitMillis();
            quiet = now - before < JIT_QUIET_MILLIS ? quiet + 1 : 0;
            before = now;
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** @return the JIT's total compilation time so far, or -1 if the JVM does not say */
    static long jitMillis() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            Thread.sleep(Math.max(1, Math.min(left / 1_000_000, 200)));
        }
    }
}
