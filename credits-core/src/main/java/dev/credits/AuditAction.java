package dev.credits;

/**
 * What an {@link AuditRecord} records: a change that is not a balance entry. Balance changes are ledger entries
 * (with their {@link LedgerEntry#actor()}); together the history and the audit trail answer "who changed what, when,
 * and why". New actions are added here, in one place; a store keeps the name.
 */
public enum AuditAction {
    /** An account was opened (subject: the account id; after: its settings). */
    ACCOUNT_OPENED(Scope.ACCOUNT),
    /** An account was paused (subject: the account id; reason: the actor's). */
    ACCOUNT_PAUSED(Scope.ACCOUNT),
    /** A paused account was resumed. */
    ACCOUNT_RESUMED(Scope.ACCOUNT),
    /** An account's settings changed (before and after: the settings). */
    SETTINGS_CHANGED(Scope.ACCOUNT),
    /** A plan was assigned to an account, now or from the next period (subject: the plan id). */
    PLAN_ASSIGNED(Scope.ACCOUNT),
    /** An account's plan ended (subject: the plan id). */
    PLAN_ENDED(Scope.ACCOUNT),
    /**
     * An account joined, left or changed its pool ({@link Orgs#setParent}; subject: the member; before and after: its
     * {@code parentId}).
     */
    MEMBERSHIP_CHANGED(Scope.ACCOUNT),
    /**
     * Credits of an organization were allocated to a member or reclaimed: a {@link Orgs#transfer} (on the source
     * account; subject: {@code from->to}; after: the transfer's result, with both entries' transaction ids).
     */
    ALLOCATION_CHANGED(Scope.ACCOUNT),
    /**
     * A spending cap was set, changed or removed ({@link Orgs#setCap}, {@link Orgs#removeCap}; subject:
     * {@code account/capId}; before and after: the cap's fields).
     */
    CAP_CHANGED(Scope.ACCOUNT),
    /**
     * A purchase waiting for approval was approved or rejected ({@link Orgs#approvePurchase},
     * {@link Orgs#rejectPurchase}; subject: the purchase id; before and after: its status; the actor is the approver).
     */
    APPROVAL_DECIDED(Scope.ACCOUNT),
    /** A feature was added to the price list (subject: its key; after: its fields). */
    FEATURE_CREATED(Scope.CATALOG),
    /** A feature's price or fields changed (before and after: the fields that changed). */
    FEATURE_UPDATED(Scope.CATALOG),
    /** A feature was deactivated. */
    FEATURE_DEACTIVATED(Scope.CATALOG),
    /** A deactivated feature was made active again. */
    FEATURE_REACTIVATED(Scope.CATALOG),
    /** A feature was deleted from the price list (before: its fields). */
    FEATURE_DELETED(Scope.CATALOG),
    /** A credit package was created or replaced (subject: the package id). */
    PACKAGE_SAVED(Scope.CATALOG),
    /** A promotion code was created or replaced (subject: the code). */
    PROMOTION_SAVED(Scope.CATALOG),
    /** A plan was created or replaced (subject: the plan id). */
    PLAN_SAVED(Scope.CATALOG);

    /** Whether a record belongs to one account or to the catalog. */
    public enum Scope {
        /** Written in the account's unit of work; read with {@link Audit#account}. */
        ACCOUNT,
        /** Written with the catalog row it changes; read with {@link Audit#catalog}. */
        CATALOG
    }

    private final Scope scope;

    AuditAction(Scope scope) {
        this.scope = scope;
    }

    /** @return whether records of this action belong to an account or to the catalog */
    public Scope scope() {
        return scope;
    }
}
