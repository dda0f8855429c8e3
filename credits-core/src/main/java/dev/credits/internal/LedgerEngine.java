package dev.credits.internal;

import dev.credits.*;
import dev.credits.spi.CreditStore;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The ledger's rules. Stub: being written. */
public final class LedgerEngine {
    private final Clock clock;

    public LedgerEngine(CreditStore store, Clock clock, BurnDownOrder order, Duration defaultHoldTimeout,
                        Duration maxHoldTimeout, Duration expiredLotRefundValidity) {
        this.clock = clock;
    }

    public Clock clock() { return clock; }
    public Account openAccount(String accountId, AccountSettings settings) { throw new UnsupportedOperationException(); }
    public Optional<Account> getAccount(String accountId) { throw new UnsupportedOperationException(); }
    public Account updateAccountSettings(String accountId, AccountSettings settings) { throw new UnsupportedOperationException(); }
    public Account setStatus(String accountId, AccountStatus status) { throw new UnsupportedOperationException(); }
    public FeaturePricing createFeature(FeatureDefinition d) { throw new UnsupportedOperationException(); }
    public FeaturePricing updateFeature(FeatureDefinition d) { throw new UnsupportedOperationException(); }
    public FeaturePricing saveFeature(FeatureDefinition d) { throw new UnsupportedOperationException(); }
    public FeaturePricing deactivateFeature(String key) { throw new UnsupportedOperationException(); }
    public boolean deleteFeature(String key) { throw new UnsupportedOperationException(); }
    public Optional<FeaturePricing> getFeature(String key) { throw new UnsupportedOperationException(); }
    public List<FeaturePricing> listFeatures(String category) { throw new UnsupportedOperationException(); }
    public GrantResult grant(GrantRequest r) { throw new UnsupportedOperationException(); }
    public CheckResult check(String accountId, String featureKey, long quantity) { throw new UnsupportedOperationException(); }
    public DeductionResult deduct(DeductRequest r) { throw new UnsupportedOperationException(); }
    public RefundResult refund(RefundRequest r) { throw new UnsupportedOperationException(); }
    public ReservationResult reserve(ReserveRequest r) { throw new UnsupportedOperationException(); }
    public CommitResult commit(String holdId, long credits) { throw new UnsupportedOperationException(); }
    public CommitResult commitQuantity(String holdId, long quantity) { throw new UnsupportedOperationException(); }
    public ReleaseResult release(String holdId) { throw new UnsupportedOperationException(); }
    public Optional<Hold> getHold(String holdId) { throw new UnsupportedOperationException(); }
    public Balance balance(String accountId, String creditType) { throw new UnsupportedOperationException(); }
    public Map<String, Balance> balances(String accountId) { throw new UnsupportedOperationException(); }
    public HistoryPage history(String accountId, HistoryFilter filter, PageRequest page) { throw new UnsupportedOperationException(); }
    public Receipt receipt(String transactionId) { throw new UnsupportedOperationException(); }
    public ExpiryReport expireDue() { throw new UnsupportedOperationException(); }
}
