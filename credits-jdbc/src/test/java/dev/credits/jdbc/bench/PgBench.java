package dev.credits.jdbc.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs {@code pgbench} (PostgreSQL's own C load generator, no JVM, one connection per client) with a custom script
 * against the local server, and reads its per-transaction log into a {@link LatencyHistogram}, so its rows compare
 * one to one with the library's.
 */
final class PgBench {

    private static final Pattern PROCESSED = Pattern.compile("number of transactions actually processed: (\\d+)");
    private static final Pattern FAILED = Pattern.compile("number of failed transactions: (\\d+)");
    private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)");
    private static final Pattern TIMES = Pattern.compile("(\\d+)m([0-9.]+)s (\\d+)m([0-9.]+)s");

    private final Target target;
    private final Path workDirectory;

    PgBench(Target target, Path workDirectory) {
        this.target = target;
        this.workDirectory = workDirectory;
    }

    /** @return pgbench's version line, or null if it cannot be run */
    static String version() {
        try {
            Process process = new ProcessBuilder("pgbench", "--version").redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return process.waitFor() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * Runs the script for a warm-up, then for the measured window with per-transaction logging.
     *
     * @param name       a file name for the script
     * @param pgOptions  PGOPTIONS for the sessions (e.g. {@code -c synchronous_commit=off}), or null
     * @param serverCpu  the server's CPU clock, sampled before and after the measured run
     */
    LoadRun.Result run(String name, String script, int clients, Duration warmup, Duration window, String pgOptions,
                       LongSupplier serverCpu) throws IOException, InterruptedException {
        Path scriptFile = workDirectory.resolve(name + ".sql");
        Files.writeString(scriptFile, script);
        int jobs = Math.max(1, Math.min(clients, Runtime.getRuntime().availableProcessors()));
        if (!warmup.isZero()) {
            execute(command(scriptFile, clients, jobs, warmup, null), pgOptions);
        }
        Path logDirectory = Files.createDirectories(workDirectory.resolve(name + "-log"));
        String logPrefix = logDirectory.resolve("tx").toString();
        long server0 = serverCpu.getAsLong();
        String out = execute(command(scriptFile, clients, jobs, window, logPrefix), pgOptions);
        Thread.sleep(500); // the server reaps the closed backends, whose CPU then counts in the postmaster's
        long server1 = serverCpu.getAsLong();

        long processed = Long.parseLong(find(PROCESSED, out, "transactions processed"));
        String failed = findOrNull(FAILED, out);
        double tps = Double.parseDouble(find(TPS, out, "tps"));
        LatencyHistogram latencies = new LatencyHistogram();
        try (Stream<Path> logs = Files.list(logDirectory)) {
            for (Path log : (Iterable<Path>) logs::iterator) {
                for (String line : Files.readAllLines(log)) {
                    // client_id transaction_no time script_no time_epoch time_us; time is µs or skipped/failed
                    String[] fields = line.trim().split("\\s+");
                    if (fields.length >= 3 && fields[2].chars().allMatch(Character::isDigit)) {
                        latencies.record(Long.parseLong(fields[2]));
                    }
                }
            }
        }
        long clientNanos = -1;
        Matcher times = TIMES.matcher(out);
        List<long[]> lines = new ArrayList<>();
        while (times.find()) {
            lines.add(new long[]{seconds(times.group(1), times.group(2)) + seconds(times.group(3), times.group(4))});
        }
        if (lines.size() >= 2) {
            clientNanos = lines.get(lines.size() - 1)[0]; // `times`: the shell, then its children (pgbench)
        }
        long errors = failed == null ? 0 : Long.parseLong(failed);
        // Throughput as pgbench reports it (transactions over the run, connection set-up excluded).
        double seconds = processed / tps;
        return new LoadRun.Result(clients, processed, errors, seconds, latencies, clientNanos,
                server0 < 0 || server1 < 0 ? -1 : server1 - server0, errors > 0 ? "pgbench: " + errors + " failed" : null, 0,
                -1);
    }

    private List<String> command(Path script, int clients, int jobs, Duration duration, String logPrefix) {
        List<String> command = new ArrayList<>(List.of("sh", "-c", "pgbench \"$@\"; status=$?; times; exit $status",
                "sh", "--no-vacuum", "--protocol=prepared", "--client=" + clients, "--jobs=" + jobs,
                "--time=" + Math.max(1, duration.toSeconds()), "--file=" + script, "--host=" + target.host(),
                "--port=" + target.port(), "--username=" + target.user()));
        if (logPrefix != null) {
            command.add("--log");
            command.add("--log-prefix=" + logPrefix);
        }
        command.add(target.database());
        return command;
    }

    private String execute(List<String> command, String pgOptions) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDirectory.toFile()).redirectErrorStream(true);
        Map<String, String> environment = builder.environment();
        if (target.password() != null) {
            environment.put("PGPASSWORD", target.password());
        }
        if (pgOptions != null) {
            environment.put("PGOPTIONS", pgOptions);
        } else {
            environment.remove("PGOPTIONS");
        }
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int status = process.waitFor();
        if (status != 0) {
            throw new IOException("pgbench exited with " + status + ":\n" + out);
        }
        return out;
    }

    private static long seconds(String minutes, String seconds) {
        return Long.parseLong(minutes) * 60_000_000_000L + Math.round(Double.parseDouble(seconds) * 1e9);
    }

    private static String find(Pattern pattern, String text, String what) throws IOException {
        String value = findOrNull(pattern, text);
        if (value == null) {
            throw new IOException("no " + what + " in pgbench's output:\n" + text);
        }
        return value;
    }

    private static String findOrNull(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        return matcher.find() ? matcher.group(1) : null;
    }

    /** Where pgbench connects: host, port, user, optional password, database. */
    record Target(String host, int port, String user, String password, String database) {
    }
}
