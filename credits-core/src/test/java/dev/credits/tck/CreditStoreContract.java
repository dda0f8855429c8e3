package dev.credits.tck;

import dev.credits.CreditLedger;
import dev.credits.spi.CreditStore;
import dev.credits.testkit.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The store contract (TCK): every rule of the ledger, proven through the public API on one {@link CreditStore}.
 * A store is correct when a subclass of this class passes:
 *
 * <pre>{@code
 * class MyStoreTest extends CreditStoreContract {
 *     @Override
 *     protected CreditStore createStore() {
 *         return new MyStore(...);
 *     }
 * }
 * }</pre>
 *
 * <p>Each test gets a store from {@link #createStore()} and a ledger on it whose clock stands still at
 * {@link ContractFixture#START} until the test moves it. Tests use fresh account ids ({@code "acct-" + UUID})
 * and fresh feature keys, so a store that keeps its data between tests (one database for the whole suite) is
 * fine. The rules live in the interfaces this class implements, one per area.
 */
public abstract class CreditStoreContract implements ContractFixture, AccountContract, PricingContract,
        SpendingContract, RefundContract, HoldContract, ExpiryContract,
        HistoryContract, IdempotencyContract, ValidationContract, ConcurrencyContract, PurchaseContract,
        PromotionContract, PlanContract, PricingRulesContract,
        PaymentReversalContract, ReturnedCreditsContract, InputRulesContract, AccountLinkContract, ReplayContract,
        StorePrimitivesContract, ObservationContract, EventContract, FreeRetryContract, PlanEntitlementContract,
        InspectionContract, AuditTrailContract, AdminAdjustmentContract, ChargeDisputeContract, ReportContract,
        OrgsContract {

    private CreditStore store;
    private MutableClock clock;
    private CreditLedger ledger;

    /** @return the store under test; called once before each test */
    protected abstract CreditStore createStore();

    /** Called after each test with the store {@link #createStore()} returned; close it here if needed. */
    protected void releaseStore(CreditStore store) {
    }

    /** @return threads of the concurrency tests (default 8) */
    protected int concurrencyThreads() {
        return 8;
    }

    /** @return operations per thread of the concurrency tests (default 2000) */
    protected int concurrencyOperationsPerThread() {
        return 2000;
    }

    /**
     * @return whether the ledgers of the tests {@linkplain CreditLedger.Builder#writeCombining(boolean) combine
     *         concurrent calls} (default true, the ledger's default); a store's suite runs once more with false
     */
    protected boolean writeCombining() {
        return true;
    }

    private CreditLedger.Builder builder() {
        return CreditLedger.builder().store(store).clock(clock).writeCombining(writeCombining());
    }

    @BeforeEach
    final void createLedger() {
        store = Objects.requireNonNull(createStore(), "createStore() returned null");
        clock = new MutableClock(START);
        ledger = builder().build();
    }

    @AfterEach
    final void closeStore() {
        if (store != null) {
            releaseStore(store);
        }
    }

    @Override
    public final CreditLedger ledger() {
        return ledger;
    }

    @Override
    public final MutableClock clock() {
        return clock;
    }

    @Override
    public final CreditStore store() {
        return store;
    }

    @Override
    public final CreditLedger newLedger() {
        return builder().build();
    }

    @Override
    public final CreditLedger newLedger(UnaryOperator<CreditLedger.Builder> customizer) {
        return customizer.apply(builder()).build();
    }

    @Override
    public final WorkloadSize workloadSize() {
        return new WorkloadSize(concurrencyThreads(), concurrencyOperationsPerThread());
    }
}
