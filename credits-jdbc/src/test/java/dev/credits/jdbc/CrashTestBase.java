package dev.credits.jdbc;

import dev.credits.CreditLedger;
import dev.credits.CreditsException;
import dev.credits.FeatureDefinition;
import dev.credits.tck.LedgerInvariants;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import javax.sql.DataSource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Crash tests: a child JVM ({@link CrashChild}) makes keyed calls (grants, deductions, refunds, new accounts) from
 * several threads and prints each one the moment it returned; the test kills it with SIGKILL at a random moment,
 * reopens the store and checks that every acknowledged call is there: its idempotency key replays with the
 * transaction id the child was given (a lost call would run again as new work, with a new id), every account it
 * opened exists, and the ledger's invariants hold. Several kills per run, each after a random number of
 * acknowledgements and a random extra delay; the seed is printed so a failure can be replayed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CrashTestBase {

    private static final long CHILD_TIMEOUT_SECONDS = 60;

    private TestDatabase database;
    private DataSource pool;

    /** @return the database server's area for this run (PostgreSQL, MariaDB); H2 overrides the store methods */
    TestDatabase createDatabase() {
        throw new UnsupportedOperationException("a crash test on a server database names it");
    }

    /** @return the arguments that make {@link CrashChild} open this test's store */
    List<String> childStoreArguments() {
        return List.of("jdbc", database().urlForAnotherProcess(), database().tablePrefix());
    }

    /** @return a store on the same database as the child's (the child is not running) */
    JdbiCreditStore openStore() {
        if (pool == null) {
            pool = database().newPool(4);
            database().builder(pool).build().installSchema();
        }
        return database().builder(pool).build();
    }

    private TestDatabase database() {
        if (database == null) {
            database = createDatabase();
        }
        return database;
    }

    @AfterAll
    void dropDatabase() {
        if (database != null) {
            database.close();
        }
    }

    /** @return the database's name in the summary line */
    abstract String databaseName();

    /** @return how many times the child is killed */
    int kills() {
        return 4;
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void noAcknowledgedCallIsLostWhenTheProcessIsKilled() throws Exception {
        try (JdbiCreditStore store = openStore()) {
            CreditLedger ledger = CrashChild.ledger(store);
            ledger.openAccount(CrashChild.HOT_ACCOUNT);
            ledger.saveFeaturePricing(FeatureDefinition.of(CrashChild.FEATURE, "Crash test operation", 1));
        }
        long seed = Long.getLong("credits.crash.seed", System.nanoTime());
        Random random = new Random(seed);
        int checked = 0;
        int lost = 0;
        List<String> lostCalls = new ArrayList<>();
        for (int round = 1; round <= kills(); round++) {
            int killAfter = 1 + random.nextInt(400);
            int extraDelayMillis = random.nextInt(4) == 0 ? 0 : random.nextInt(150);
            List<String[]> acks = runAndKill(round, killAfter, extraDelayMillis, seed);
            assertTrue(acks.size() >= killAfter, "round " + round + ": the child acknowledged calls before the kill");
            try (JdbiCreditStore store = openStore()) {
                CreditLedger ledger = CrashChild.ledger(store);
                for (String[] ack : acks) {
                    checked++;
                    String missing = missing(ledger, ack);
                    if (missing != null) {
                        lost++;
                        lostCalls.add("round " + round + ": " + missing);
                    }
                }
                LedgerInvariants.assertHold(ledger, CrashChild.HOT_ACCOUNT, 0);
            }
        }
        System.out.printf("crash test (%s): %d kills, %d acknowledged calls checked, %d lost (seed %d)%n",
                databaseName(), kills(), checked, lost, seed);
        assertEquals(List.of(), lostCalls, "acknowledged calls lost (seed " + seed + ")");
        assertTrue(checked >= kills(), "every round acknowledged calls");
    }

    /** @return a description of the acknowledged call if the store does not have it, else null */
    private static String missing(CreditLedger ledger, String[] ack) {
        String kind = ack[1];
        String key = ack[2];
        String transactionId = ack[3];
        String found;
        try {
            found = switch (kind) {
                case "grant" -> ledger.grant(CrashChild.grant(key)).transactionId();
                case "deduct" -> ledger.deductCredits(CrashChild.deduct(key)).transactionId();
                case "refund" -> ledger.refundCredits(CrashChild.refund(ack[4], key)).transactionId();
                case "open" -> ledger.getAccount(key).isPresent() ? "-" : null;
                default -> throw new IllegalStateException("unknown acknowledgement " + String.join(" ", ack));
            };
        } catch (CreditsException e) {
            found = e.toString(); // e.g. the refund of a deduction that is gone
        }
        return transactionId.equals(found) ? null
                : kind + " " + key + " acknowledged as " + transactionId + ", found " + found;
    }

    /** Runs the child until it acknowledged {@code killAfter} calls (plus a delay), kills it, returns every ack. */
    private List<String[]> runAndKill(int round, int killAfter, int extraDelayMillis, long seed) throws Exception {
        Path stderr = Files.createTempFile("credits-crash-child", ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(CrashChild.class.getName());
        command.addAll(childStoreArguments());
        command.add(Integer.toString(round));
        command.add("8");
        Process child = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("IOERROR " + e);
            }
            lines.add("EOF");
        }, "crash-child-reader");
        reader.start();
        List<String[]> acks = new ArrayList<>();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CHILD_TIMEOUT_SECONDS);
            while (acks.size() < killAfter) {
                String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null || line.equals("EOF") || line.startsWith("IOERROR")) {
                    fail("round " + round + ": the child stopped before " + killAfter + " acknowledgements (" + line
                            + ", seed " + seed + "): " + Files.readString(stderr));
                }
                addAck(acks, line);
            }
            if (extraDelayMillis > 0) {
                Thread.sleep(extraDelayMillis);
            }
            assertTrue(child.isAlive(), "the child is still working when it is killed: " + Files.readString(stderr));
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no H2 close, no connection close
            child.waitFor(30, TimeUnit.SECONDS);
        }
        reader.join(TimeUnit.SECONDS.toMillis(30));
        // Lines already in the pipe were printed after their call returned: acknowledged too.
        for (String line; (line = lines.poll()) != null; ) {
            addAck(acks, line);
        }
        Files.deleteIfExists(stderr);
        return acks;
    }

    private static void addAck(List<String[]> acks, String line) {
        String[] parts = line.split(" ");
        // A line cut by the kill is not complete: it is skipped (it names a call it cannot check).
        boolean complete = parts.length == 4 && !parts[1].equals("refund") || parts.length == 5;
        if (parts[0].equals("ACK") && complete) {
            acks.add(parts);
        }
    }
}
