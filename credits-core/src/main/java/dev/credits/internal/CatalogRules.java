package dev.credits.internal;

import dev.credits.AuditAction;
import dev.credits.CreditPackage;
import dev.credits.InvalidArgumentException;
import dev.credits.Promotion;
import dev.credits.spi.CatalogChange;
import dev.credits.spi.CatalogStore;
import dev.credits.spi.CatalogTable;
import dev.credits.spi.CreditStore;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.Period;
import java.util.List;
import java.util.Optional;

/**
 * The rules of the catalog: credit packages and promotion codes (saved whole; a promotion keeps its store-counted
 * uses). Stateless apart from its collaborators; thread-safe.
 */
public final class CatalogRules {
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private final UnitOfWork uow;
    private final CatalogStore catalog;

    public CatalogRules(UnitOfWork uow, CreditStore store) {
        this.uow = uow;
        this.catalog = store.catalog();
    }

    public CreditPackage savePackage(CreditPackage p) {
        Checks.required("package", p);
        Checks.id("packageId", p.packageId());
        Checks.requiredText("name", p.name());
        Checks.positive("credits", p.credits());
        Checks.required("price", p.price());
        Checks.creditType(p.creditType());
        if (p.validity() != null) {
            if (p.validity().isNegative() || p.validity().isZero()) {
                throw new InvalidArgumentException("validity", "must be positive: " + p.validity());
            }
            // Credits bought now must expire within the storable range.
            expiry(uow.now(), p.validity());
        }
        uow.writeCatalog(CatalogChange.of(CatalogTable.PACKAGES, CatalogChange.Kind.SAVE, p), AuditAction.PACKAGE_SAVED,
                catalog.find(CatalogTable.PACKAGES, p.packageId()).orElse(null), p);
        return p;
    }

    public Optional<CreditPackage> getPackage(String packageId) {
        return catalog.find(CatalogTable.PACKAGES, Checks.id("packageId", packageId));
    }

    public List<CreditPackage> listPackages() {
        return catalog.list(CatalogTable.PACKAGES);
    }

    public Promotion savePromotion(Promotion p) {
        Checks.required("promotion", p);
        Checks.id("code", p.code());
        Checks.text("description", p.description());
        if (p.percentOff() != null
                && (p.percentOff().signum() <= 0 || p.percentOff().compareTo(HUNDRED) > 0)) {
            throw new InvalidArgumentException("percentOff", "must be above 0 and at most 100: " + p.percentOff());
        }
        if (p.percentOff() != null) {
            Checks.decimal("percentOff", p.percentOff());
        }
        Checks.notNegative("bonusCredits", p.bonusCredits());
        if (p.percentOff() == null && p.amountOff() == null && p.bonusCredits() == 0) {
            throw new InvalidArgumentException("promotion", "'" + p.code()
                    + "' has no effect: set percentOff, amountOff or bonusCredits");
        }
        Instant from = Checks.optionalInstant("validFrom", p.validFrom());
        Instant until = Checks.optionalInstant("validUntil", p.validUntil());
        if (from != null && until != null && !until.isAfter(from)) {
            throw new InvalidArgumentException("validUntil", "must be after validFrom");
        }
        for (String packageId : p.packageIds()) {
            Checks.id("packageIds", packageId);
        }
        for (String planId : p.planIds()) {
            Checks.id("planIds", planId);
        }
        Checks.notNegative("maxUses", p.maxUses());
        Checks.notNegative("maxUsesPerAccount", p.maxUsesPerAccount());
        Promotion saved = p.withWindow(from, until).withUses(0);
        uow.writeCatalog(CatalogChange.of(CatalogTable.PROMOTIONS, CatalogChange.Kind.SAVE, saved),
                AuditAction.PROMOTION_SAVED, catalog.find(CatalogTable.PROMOTIONS, p.code()).orElse(null), saved);
        return catalog.find(CatalogTable.PROMOTIONS, p.code()).orElseThrow();
    }

    public Optional<Promotion> getPromotion(String code) {
        return catalog.find(CatalogTable.PROMOTIONS, Checks.id("code", code));
    }

    public List<Promotion> listPromotions() {
        return catalog.list(CatalogTable.PROMOTIONS);
    }

    /**
     * @return {@code validity} after {@code from} in UTC calendar terms (12 months: same day and time), or null
     * @throws InvalidArgumentException if that is beyond the storable range
     */
    static Instant expiry(Instant from, Period validity) {
        if (validity == null) {
            return null;
        }
        return Checks.plus("validity", from, validity);
    }
}
