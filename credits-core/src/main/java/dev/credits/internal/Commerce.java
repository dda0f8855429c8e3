package dev.credits.internal;

import dev.credits.CreditPackage;
import dev.credits.Promotion;
import dev.credits.Purchase;
import dev.credits.PurchasePolicy;
import dev.credits.PurchaseRequest;
import dev.credits.PurchaseResult;
import dev.credits.Quote;
import dev.credits.spi.CreditStore;

import java.util.List;
import java.util.Optional;

/** The rules of packages, promotions and purchases. */
public final class Commerce {
    private final LedgerEngine engine;
    private final CreditStore store;
    private final PurchasePolicy policy;

    Commerce(LedgerEngine engine, CreditStore store, PurchasePolicy policy) {
        this.engine = engine;
        this.store = store;
        this.policy = policy;
    }

    public CreditPackage savePackage(CreditPackage creditPackage) { throw new UnsupportedOperationException(); }
    public Optional<CreditPackage> getPackage(String packageId) { throw new UnsupportedOperationException(); }
    public List<CreditPackage> listPackages() { throw new UnsupportedOperationException(); }
    public Promotion savePromotion(Promotion promotion) { throw new UnsupportedOperationException(); }
    public Optional<Promotion> getPromotion(String code) { throw new UnsupportedOperationException(); }
    public List<Promotion> listPromotions() { throw new UnsupportedOperationException(); }
    public Quote quote(PurchaseRequest request) { throw new UnsupportedOperationException(); }
    public PurchaseResult purchase(PurchaseRequest request) { throw new UnsupportedOperationException(); }
    public PurchaseResult completePurchase(String purchaseId) { throw new UnsupportedOperationException(); }
    public PurchaseResult failPurchase(String purchaseId, String reason) { throw new UnsupportedOperationException(); }
    public Optional<Purchase> getPurchase(String purchaseId) { throw new UnsupportedOperationException(); }
    public List<Purchase> listPurchases(String accountId) { throw new UnsupportedOperationException(); }
}
