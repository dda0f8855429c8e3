package dev.credits.jdbc.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time consumed so far, in nanoseconds: of this JVM, and of a database server's processes on this machine
 * (Linux {@code /proc}: user + system time of every process with the server's command name, plus the time of its
 * children that already exited, so the CPU of a closed PostgreSQL backend still counts). Thread-safe.
 */
final class Cpu {

    private static final long NANOS_PER_TICK = 1_000_000_000L / clockTicksPerSecond();

    private Cpu() {
    }

    /** @return the CPU time of this JVM (every thread), or -1 if the JVM does not say */
    static long jvmNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /**
     * @param command the processes' command name ({@code postgres}, {@code mariadbd}), or null
     * @return their CPU time, or -1 when unknown (no {@code /proc}, no such process, or null)
     */
    static long serverNanos(String command) {
        if (command == null) {
            return -1;
        }
        Path proc = Path.of("/proc");
        if (!Files.isDirectory(proc)) {
            return -1;
        }
        long ticks = 0;
        boolean found = false;
        try (Stream<Path> entries = Files.list(proc)) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                String name = entry.getFileName().toString();
                if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
                    continue;
                }
                String stat;
                try {
                    stat = Files.readString(entry.resolve("stat"));
                } catch (IOException gone) {
                    continue; // the process ended meanwhile
                }
                int open = stat.indexOf('(');
                int close = stat.lastIndexOf(')');
                if (open < 0 || close < open || !stat.substring(open + 1, close).equals(command)) {
                    continue;
                }
                // After the command: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime
                // stime cutime cstime (fields 3 to 17 of proc(5)).
                String[] fields = stat.substring(close + 2).split(" ");
                ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]) + Long.parseLong(fields[13])
                        + Long.parseLong(fields[14]);
                found = true;
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return found ? ticks * NANOS_PER_TICK : -1;
    }

    private static long clockTicksPerSecond() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(getconf.getInputStream().readAllBytes()).trim();
            if (getconf.waitFor() == 0) {
                return Long.parseLong(out);
            }
        } catch (IOException | NumberFormatException e) {
            // fall through to the Linux default
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 100;
    }
}
