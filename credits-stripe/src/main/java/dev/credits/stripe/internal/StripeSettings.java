package dev.credits.stripe.internal;

import dev.credits.CreditLedger;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What {@code StripeCredits.Builder} configured, shared by checkout and the event handlers. Immutable and
 * thread-safe. Not API.
 */
public final class StripeSettings {

    private final CreditLedger ledger;
    private final Map<String, String> packageToPrice;
    private final Map<String, String> planToPrice;
    private final Map<String, String> priceToPlan;
    private final String accountKey;
    private final String packageKey;
    private final String planKey;

    /**
     * @param ledger         the ledger events are applied to
     * @param packageToPrice our package id to its Stripe price id
     * @param planToPrice    our plan id to its Stripe price id (one plan per price: checked by the builder)
     * @param accountKey     the metadata key of the account id
     * @param packageKey     the metadata key of the package id
     * @param planKey        the metadata key of the plan id
     */
    public StripeSettings(CreditLedger ledger, Map<String, String> packageToPrice, Map<String, String> planToPrice,
                          String accountKey, String packageKey, String planKey) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.packageToPrice = Map.copyOf(packageToPrice);
        this.planToPrice = Map.copyOf(planToPrice);
        Map<String, String> inverse = new HashMap<>();
        planToPrice.forEach((plan, price) -> inverse.put(price, plan));
        this.priceToPlan = Map.copyOf(inverse);
        this.accountKey = Objects.requireNonNull(accountKey, "accountKey");
        this.packageKey = Objects.requireNonNull(packageKey, "packageKey");
        this.planKey = Objects.requireNonNull(planKey, "planKey");
    }

    public CreditLedger ledger() {
        return ledger;
    }

    public Optional<String> priceOfPackage(String packageId) {
        return Optional.ofNullable(packageToPrice.get(packageId));
    }

    public Optional<String> priceOfPlan(String planId) {
        return Optional.ofNullable(planToPrice.get(planId));
    }

    /** Invoices and subscription updates are read with this direction. */
    public Optional<String> planOfPrice(String priceId) {
        return priceId == null ? Optional.empty() : Optional.ofNullable(priceToPlan.get(priceId));
    }

    /** @return the mapped package ids (for {@code toString}) */
    public Set<String> packages() {
        return packageToPrice.keySet();
    }

    /** @return the mapped plan ids (for {@code toString}) */
    public Set<String> plans() {
        return planToPrice.keySet();
    }

    public String accountKey() {
        return accountKey;
    }

    public String packageKey() {
        return packageKey;
    }

    public String planKey() {
        return planKey;
    }
}
