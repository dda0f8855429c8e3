package dev.credits.jdbc.bench;

import dev.credits.CreditEvent;
import dev.credits.CreditLedger;
import dev.credits.GrantRequest;
import dev.credits.jdbc.JdbiCreditStore;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * How fast one consumer drains the outbox on PostgreSQL: 8 threads write {@code events} grants (one event each) on
 * 100 accounts, then a consumer polls batches of 500 and acknowledges each (numbering included, as in production),
 * until it has read them all. Measures, never asserts. Run with the test classpath:
 * {@code java -cp ... dev.credits.jdbc.bench.EventDrain jdbc:postgresql://127.0.0.1:5432/test?user=postgres 50000}.
 */
public final class EventDrain {

    private EventDrain() {
    }

    public static void main(String[] args) throws Exception {
        String url = args.length > 0 ? args[0] : "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
        int events = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
        try (BenchDatabase.Postgres database = new BenchDatabase.Postgres(url)) {
            JdbiCreditStore store = database.store(database.tablePrefix(), 16, null);
            CreditLedger ledger = CreditLedger.builder().store(store).build();
            List<String> accounts = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                accounts.add("drain-" + i);
                ledger.openAccount("drain-" + i);
            }
            ledger.events().createConsumerAtEnd("drain");
            ExecutorService pool = Executors.newFixedThreadPool(8);
            long writeStart = System.nanoTime();
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                writers.add(pool.submit(() -> {
                    for (int i = thread; i < events; i += 8) {
                        ledger.grant(GrantRequest.of(accounts.get(i % accounts.size()), 1));
                    }
                }));
            }
            for (Future<?> writer : writers) {
                writer.get();
            }
            long writeNanos = System.nanoTime() - writeStart;
            pool.shutdown();
            pool.awaitTermination(1, TimeUnit.MINUTES);

            long start = System.nanoTime();
            long read = 0;
            int polls = 0;
            while (read < events) {
                List<CreditEvent> batch = ledger.events().poll("drain", 500);
                polls++;
                if (batch.isEmpty()) {
                    continue;
                }
                read += batch.size();
                ledger.events().acknowledge("drain", batch.get(batch.size() - 1).position());
            }
            long nanos = System.nanoTime() - start;
            System.out.printf("%s: wrote %d events (grants) in %.1f s with 8 threads (%.0f grants/s); one consumer"
                            + " drained them in %.2f s: %.0f events/s (%d polls of up to 500, numbering included)%n",
                    database.name(), events, writeNanos / 1e9, events / (writeNanos / 1e9), nanos / 1e9,
                    read / (nanos / 1e9), polls);
        }
    }
}
