package dev.credits.testkit;

import dev.credits.CreditLedger;
import dev.credits.memory.InMemoryCreditStore;

import java.time.Instant;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A ledger for a host's unit tests, in one line: an {@link InMemoryCreditStore}, a {@link MutableClock} standing at
 * {@link #START} and the ledger on both. {@link #reset()} empties the store and puts the clock back, so one instance
 * (a Spring bean, a static field) serves every test without rebuilding anything.
 *
 * <pre>{@code
 * TestLedger credits = TestLedger.create();
 * credits.ledger().openAccount("org_42");
 * credits.clock().advance(Duration.ofDays(31));
 * credits.checkInvariants("org_42");
 * credits.reset(); // e.g. in @BeforeEach
 * }</pre>
 *
 * <p>Thread-safe like the ledger, except {@link #reset()}, which must not run while calls do.
 */
public final class TestLedger {

    /** Where the clock stands after {@link #create()} and every {@link #reset()}: 2025-01-01T00:00:00Z. */
    public static final Instant START = Instant.parse("2025-01-01T00:00:00Z");

    private final InMemoryCreditStore store;
    private final MutableClock clock;
    private final CreditLedger ledger;

    private TestLedger(UnaryOperator<CreditLedger.Builder> settings) {
        this.store = new InMemoryCreditStore();
        this.clock = new MutableClock(START);
        this.ledger = Objects.requireNonNull(settings.apply(CreditLedger.builder().store(store).clock(clock)),
                "settings returned null").build();
    }

    /** @return a ledger with default settings on a new in-memory store and a clock at {@link #START} */
    public static TestLedger create() {
        return new TestLedger(builder -> builder);
    }

    /**
     * @param settings adds settings to the builder (a purchase policy, hold timeouts, an observer); the store and
     *                 the clock are set already
     * @return a ledger with these settings on a new in-memory store and a clock at {@link #START}
     */
    public static TestLedger create(UnaryOperator<CreditLedger.Builder> settings) {
        return new TestLedger(Objects.requireNonNull(settings, "settings"));
    }

    /** @return the ledger (the same instance across resets) */
    public CreditLedger ledger() {
        return ledger;
    }

    /** @return the store */
    public InMemoryCreditStore store() {
        return store;
    }

    /** @return the clock the ledger reads; move it to make lots expire and holds time out */
    public MutableClock clock() {
        return clock;
    }

    /** Forgets every account, entry, price and catalog row, and puts the clock back to {@link #START}. */
    public void reset() {
        store.reset();
        clock.set(START);
    }

    /**
     * Checks each account with {@link InvariantChecker#check}; writes nothing.
     *
     * @throws AssertionError if an invariant does not hold
     */
    public void checkInvariants(String... accountIds) {
        for (String accountId : accountIds) {
            InvariantChecker.check(ledger, store, accountId);
        }
    }
}
