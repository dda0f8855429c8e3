package dev.credits.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.credits.CreditLedger;
import dev.credits.DeductRequest;
import dev.credits.DeductionResult;
import dev.credits.GrantRequest;
import dev.credits.RefundRequest;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The process {@link CrashTestBase} kills: makes keyed ledger calls from several threads as fast as it can and, after
 * each call returned, prints one line saying what was acknowledged ({@code ACK <kind> <key> <transaction id>
 * [<original transaction id>]}), until it is killed.
 *
 * <p>Arguments: {@code h2 <directory>} (the embedded default, {@link JdbiCreditStore#h2File}) or
 * {@code jdbc <url> <table prefix>}; then the round (keys are unique per round) and the number of threads.
 */
public final class CrashChild {

    static final String HOT_ACCOUNT = "crash-hot";
    static final String FEATURE = "crash_op";
    static final long GRANT = 3;
    static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    private static final PrintStream OUT = new PrintStream(System.out, false, StandardCharsets.UTF_8);

    private CrashChild() {
    }

    public static void main(String[] args) throws Exception {
        JdbiCreditStore store;
        if (args[0].equals("h2")) {
            store = JdbiCreditStore.h2File(Path.of(args[1]));
        } else {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(args[1]);
            config.setMaximumPoolSize(8);
            store = JdbiCreditStore.builder(new HikariDataSource(config)).tablePrefix(args[2]).build();
        }
        int round = Integer.parseInt(args[args.length - 2]);
        int threads = Integer.parseInt(args[args.length - 1]);
        CreditLedger ledger = ledger(store);
        print("READY");
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread worker = new Thread(() -> work(ledger, round, thread), "crash-worker-" + t);
            worker.start();
            workers.add(worker);
        }
        for (Thread worker : workers) {
            worker.join();
        }
    }

    /**
     * The ledger with write-combining on (explicitly, whatever the default): the threads' keyed calls on the hot
     * account run in combined transactions of several calls, several idempotency records, one commit each.
     */
    static CreditLedger ledger(JdbiCreditStore store) {
        return CreditLedger.builder().store(store).clock(Clock.fixed(NOW, ZoneOffset.UTC)).writeCombining(true)
                .build();
    }

    /** Grants, deductions, refunds of those deductions and new accounts, in turn, forever. */
    private static void work(CreditLedger ledger, int round, int thread) {
        String lastDeduction = null;
        for (int i = 0; ; i++) {
            String key = key(round, thread, i);
            switch (i % 4) {
                case 0 -> print("ACK grant " + key + " " + ledger.grant(grant(key)).transactionId());
                case 1 -> {
                    DeductionResult deduction = ledger.deductCredits(deduct(key));
                    if (!deduction.success()) {
                        throw new IllegalStateException("deduction rejected: " + deduction.reason());
                    }
                    lastDeduction = deduction.transactionId();
                    print("ACK deduct " + key + " " + lastDeduction);
                }
                case 2 -> print("ACK refund " + key + " " + ledger.refundCredits(refund(lastDeduction, key)).transactionId()
                        + " " + lastDeduction);
                default -> {
                    ledger.openAccount(key);
                    print("ACK open " + key + " -");
                }
            }
        }
    }

    static String key(int round, int thread, int i) {
        return "r" + round + "-t" + thread + "-" + i;
    }

    static GrantRequest grant(String key) {
        return GrantRequest.of(HOT_ACCOUNT, GRANT).withIdempotencyKey(key);
    }

    static DeductRequest deduct(String key) {
        return DeductRequest.of(HOT_ACCOUNT, FEATURE).withIdempotencyKey(key);
    }

    static RefundRequest refund(String deduction, String key) {
        return RefundRequest.of(deduction).withReason("crash test").withIdempotencyKey(key);
    }

    private static void print(String line) {
        synchronized (OUT) {
            OUT.println(line);
            OUT.flush();
        }
    }
}
