package dev.credits;

import dev.credits.internal.AccountLinks;
import dev.credits.internal.Approvals;
import dev.credits.internal.Accounts;
import dev.credits.internal.Adjustments;
import dev.credits.internal.AuditTrail;
import dev.credits.internal.DisputeRules;
import dev.credits.internal.CatalogRules;
import dev.credits.internal.PaymentReversals;
import dev.credits.internal.PurchaseRules;
import dev.credits.internal.EventRules;
import dev.credits.internal.EventSettings;
import dev.credits.internal.ExpirySweep;
import dev.credits.internal.Holds;
import dev.credits.internal.Observation;
import dev.credits.internal.OrgRules;
import dev.credits.internal.PlanRules;
import dev.credits.internal.PriceList;
import dev.credits.internal.Inspections;
import dev.credits.internal.Reads;
import dev.credits.internal.Refunds;
import dev.credits.internal.Spending;
import dev.credits.internal.ReportRules;
import dev.credits.internal.UnitOfWork;
import dev.credits.internal.UsageAggregates;
import dev.credits.spi.CreditStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The credit ledger: a price list of features, accounts with balances per credit type, lots that are
 * granted, spent in burn-down order and expire, holds for work in flight, refunds to the lots credits came
 * from, and a history that explains every balance. Every rule lives here; a {@link CreditStore} only
 * persists and locks. The calls a request handler makes every day are methods of the ledger; selling credits
 * is the {@linkplain #commerce() commerce area} (packages, promotions, quotes, purchases, payment reversals),
 * subscriptions the {@linkplain #plans() plans area} (plans, assigning them, allowance periods).
 *
 * <pre>{@code
 * CreditLedger ledger = CreditLedger.builder()
 *         .store(new InMemoryCreditStore())
 *         .build();
 * ledger.openAccount("org_42");
 * ledger.saveFeaturePricing(FeatureDefinition.of("seedream_text_to_image", "Seedream text to image", 5));
 * ledger.grant(GrantRequest.of("org_42", 100).withSource(LotSource.PURCHASE));
 * DeductionResult result = ledger.deductCredits("org_42", "seedream_text_to_image");
 * if (!result.success()) {
 *     // answer result.reason().httpStatus(), e.g. 402 Payment Required
 * }
 * }</pre>
 *
 * <p><b>Guarantees</b> (on every store that passes the contract tests): the cached balance equals the sum of
 * the entries and of the live lots; available never goes below minus the overdraft limit, under any
 * concurrency; a call with an idempotency key takes effect at most once and a replay returns the first
 * result; expired credits are never spendable; a refund never returns more than was charged; a failed
 * call changes nothing.
 *
 * <p><b>Results and errors.</b> Expected business outcomes (short balance, unknown or inactive feature,
 * paused account) come back as values carrying a {@link RejectionReason}. Programming and infrastructure
 * errors are {@link CreditsException}s; when one is thrown nothing was changed.
 *
 * <p><b>Input rules</b>, the same on every store, so that a store never alters, merges or refuses what another
 * keeps (anything else is an {@link InvalidArgumentException} and changes nothing):
 * <ul>
 * <li><b>ids and keys</b> (accounts, idempotency keys, users, holds, transactions, purchases, payment references,
 * packages, plans, promotion codes): 1 to 128 UTF-16 characters, not blank, valid Unicode (no unpaired
 * surrogate) and no control character (U+0000-U+001F, U+007F-U+009F). Characters outside the Basic
 * Multilingual Plane (emoji) are fine and read back exactly. Feature keys and credit types are lowercase
 * words joined by {@code _};</li>
 * <li><b>free text</b> (names, categories, descriptions, reasons, metadata keys and values): at most 2048
 * characters, valid Unicode, no NUL (U+0000); other control characters (line breaks, tabs) are kept;</li>
 * <li><b>instants</b>: kept to the millisecond (a finer part is dropped, towards the past), from
 * {@link #MIN_INSTANT} to {@link #MAX_INSTANT};</li>
 * <li><b>money</b>: see {@link Money} (at most 18 decimals and 20 integer digits);</li>
 * <li><b>history bounds</b> outside the instant range (such as {@link Instant#MIN} and {@link Instant#MAX})
 * mean "unbounded", see {@link HistoryFilter}.</li>
 * </ul>
 *
 * <p><b>Idempotency.</b> Mutating calls that take an idempotency key record it per account with their
 * result. The same key with the same request returns the first result (marked {@code replayed}); with a
 * different request it throws {@link IdempotencyConflictException}. A call that was rejected (a value with
 * a {@link RejectionReason}) changed nothing and is not recorded, so retrying it with the same key is
 * evaluated afresh. Holds are idempotent by their id: committing a committed hold with the same amount, or
 * releasing a released one, returns the outcome again.
 *
 * <p><b>Thread-safety.</b> A ledger is immutable once built and safe to share between threads; create one
 * per store and keep it. Several ledgers (in one JVM or many) may share one database store.
 */
public final class CreditLedger {

    /** The credit type of features and grants that do not name one. */
    public static final String DEFAULT_CREDIT_TYPE = "credits";

    /**
     * The largest amount one call may move (10^15 credits): grants, quantities, costs and refunds above it
     * are rejected, so that no sum of them can overflow a {@code long}.
     */
    public static final long MAX_CREDITS = 1_000_000_000_000_000L;

    /**
     * The earliest instant the ledger stores: 0001-01-01T00:00:00Z. Instants are kept to the millisecond on every
     * store (a finer part is dropped, towards the past, before any store sees it); an instant a caller gives
     * (an expiry, a promotion's window, a period's start and end) or the ledger computes from one (a hold's
     * deadline, a purchase's expiry) outside [{@code MIN_INSTANT}, {@link #MAX_INSTANT}] is an
     * {@link InvalidArgumentException}, and so is a {@linkplain Builder#clock(Clock) clock} reading outside it.
     * History bounds outside it mean "unbounded" (see {@link HistoryFilter}).
     */
    public static final Instant MIN_INSTANT = Instant.parse("0001-01-01T00:00:00Z");

    /** The last instant the ledger stores: 9999-12-31T23:59:59.999Z (see {@link #MIN_INSTANT}). */
    public static final Instant MAX_INSTANT = Instant.parse("9999-12-31T23:59:59.999Z");

    private final UnitOfWork unitOfWork;
    private final Accounts accounts;
    private final PriceList priceList;
    private final Spending spending;
    private final Refunds refunds;
    private final Holds holds;
    private final Reads reads;
    private final ExpirySweep sweep;
    private final Commerce commerceArea;
    private final Plans plansArea;
    private final Inspection inspectionArea;
    private final AccountLinks links;
    /** The settings this ledger was built with, for {@link #withStore}. */
    private final Builder settings;
    private final Observation observation;
    private final Events eventsArea;
    private final Audit auditArea;
    private final Admin adminArea;
    private final ChargeDisputes disputesArea;
    private final Reports reportsArea;
    private final Orgs orgsArea;

    private CreditLedger(Builder builder) {
        this(builder, new UnitOfWork(builder.store, builder.clock, builder.burnDownOrder, builder.eventSettings(),
                builder.actor, new UsageAggregates(builder.usageDimensions),
                builder.writeCombining ? builder.maxCombinedCalls : 1, builder.maxUnitsInFlight));
    }

    /** A ledger on {@code unitOfWork}, which may be another ledger's seen by another actor (sharing its combining). */
    private CreditLedger(Builder builder, UnitOfWork unitOfWork) {
        this.settings = builder.copy();
        CreditStore store = builder.store;
        this.observation = new Observation(builder.observer);
        this.unitOfWork = unitOfWork;
        this.accounts = new Accounts(unitOfWork, store);
        this.priceList = new PriceList(unitOfWork, store);
        this.spending = new Spending(unitOfWork);
        this.refunds = new Refunds(unitOfWork, store, builder.expiredLotRefundValidity);
        this.holds = new Holds(unitOfWork, store, builder.defaultHoldTimeout, builder.maxHoldTimeout);
        this.reads = new Reads(unitOfWork, store);
        this.sweep = new ExpirySweep(unitOfWork, store);
        this.commerceArea = new Commerce(observation, new CatalogRules(unitOfWork, store),
                new PurchaseRules(unitOfWork, store, builder.purchasePolicy, builder.approvalRule), new PaymentReversals(unitOfWork));
        this.plansArea = new Plans(observation, new PlanRules(unitOfWork, store));
        this.inspectionArea = new Inspection(observation, new Inspections(unitOfWork, store));
        this.links = new AccountLinks(unitOfWork, store);
        this.eventsArea = new Events(observation, new EventRules(unitOfWork, store));
        this.auditArea = new Audit(observation, new AuditTrail(unitOfWork, store));
        this.adminArea = new Admin(observation, new Adjustments(unitOfWork, spending));
        this.disputesArea = new ChargeDisputes(observation, new DisputeRules(unitOfWork, store, refunds));
        this.reportsArea = new Reports(observation, new ReportRules(unitOfWork, store));
        this.orgsArea = new Orgs(observation, new OrgRules(unitOfWork, store), new Approvals(unitOfWork));
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The same ledger (clock, burn-down order, hold timeouts, policies) on another store: typically a store view that
     * joins a transaction the host owns, e.g. {@code ledger.withStore(jdbiStore.joining(connection))}, so the calls
     * commit with the host's own writes. Cheap (a few small objects): make one per transaction. The returned ledger
     * never {@linkplain Builder#writeCombining(boolean) combines calls}: a joined transaction is the host's.
     *
     * @param store the store the returned ledger runs on
     * @return a new ledger
     */
    public CreditLedger withStore(CreditStore store) {
        Objects.requireNonNull(store, "store");
        return settings.copy().store(store).writeCombining(false).build();
    }

    /**
     * The same ledger (store, clock, settings) whose every change is recorded as made by {@code actor}: on the ledger
     * entries it writes and on the audit records of changes that are not entries. Cheap (a few small objects): make
     * one per request, e.g. {@code ledger.actingAs(Actor.of("admin:" + adminId, reason)).pauseAccount(id)}.
     * Calls on a ledger without an actor record none.
     *
     * @param actor who makes the changes, and why
     * @return a new ledger
     */
    public CreditLedger actingAs(Actor actor) {
        Objects.requireNonNull(actor, "actor");
        Builder copy = settings.copy();
        copy.actor = actor;
        // The same unit of work seen by another actor: calls of every view of the ledger combine with each other.
        return new CreditLedger(copy, unitOfWork.actingAs(actor));
    }

    /** @return who this ledger's changes are recorded as made by, or empty (see {@link #actingAs(Actor)}) */
    public Optional<Actor> actor() {
        return Optional.ofNullable(unitOfWork.actor());
    }

    /** @return the clock this ledger reads time from */
    public Clock clock() {
        return unitOfWork.clock();
    }

    // ---------------------------------------------------------------- accounts

    /**
     * Opens an account with default settings, or returns it unchanged if it is open already (idempotent).
     *
     * @throws InvalidArgumentException if the id is null, blank, longer than 128 characters, contains a control
     *                                  character or is not valid Unicode (an unpaired surrogate)
     */
    public Account openAccount(String accountId) {
        return observation.call("openAccount", accountId,
                () -> accounts.openAccount(accountId, AccountSettings.DEFAULTS));
    }

    /**
     * Opens an account with these settings, or returns the existing account unchanged (idempotent: an
     * existing account keeps its settings; change them with {@link #updateAccountSettings}).
     */
    public Account openAccount(String accountId, AccountSettings settings) {
        return observation.call("openAccount", accountId, () -> accounts.openAccount(accountId, settings));
    }

    /** @return the account, or empty if it was never opened */
    public Optional<Account> getAccount(String accountId) {
        return observation.call("getAccount", accountId, () -> accounts.getAccount(accountId));
    }

    /**
     * Replaces an account's settings.
     *
     * @throws UnknownAccountException  if it was never opened
     * @throws InvalidArgumentException if the new overdraft limit is below the overdraft already in use (so
     *                                  available never sits below minus the limit)
     */
    public Account updateAccountSettings(String accountId, AccountSettings settings) {
        return observation.call("updateAccountSettings", accountId,
                () -> accounts.updateAccountSettings(accountId, settings));
    }

    /** Pauses an account: it cannot spend until resumed. Pausing a paused account changes nothing. */
    public Account pauseAccount(String accountId) {
        return observation.call("pauseAccount", accountId, () -> accounts.setStatus(accountId, AccountStatus.PAUSED));
    }

    /** Resumes a paused account. Resuming an active account changes nothing. */
    public Account resumeAccount(String accountId) {
        return observation.call("resumeAccount", accountId, () -> accounts.setStatus(accountId, AccountStatus.ACTIVE));
    }

    // ---------------------------------------------------------------- price list

    /**
     * Adds a feature to the price list.
     *
     * @throws DuplicateFeatureException if its key exists
     * @throws InvalidArgumentException  if the key is not lowercase words joined by {@code _}, the name is
     *                                   blank or the price negative
     */
    public FeaturePricing createFeaturePricing(FeatureDefinition definition) {
        return observation.call("createFeaturePricing", null, () -> priceList.createFeature(definition));
    }

    /**
     * Changes a feature. Deductions already made keep the price they charged.
     *
     * @throws UnknownFeatureException if it does not exist
     */
    public FeaturePricing updateFeaturePricing(FeatureDefinition definition) {
        return observation.call("updateFeaturePricing", null, () -> priceList.updateFeature(definition));
    }

    /** Creates the feature, or updates it if it exists (handy for seeding a price list at start-up). */
    public FeaturePricing saveFeaturePricing(FeatureDefinition definition) {
        return observation.call("saveFeaturePricing", null, () -> priceList.saveFeature(definition));
    }

    /**
     * Switches a feature off: checks, deductions and reservations of it are rejected with
     * {@link RejectionReason#INACTIVE_FEATURE}.
     *
     * @throws UnknownFeatureException if it does not exist
     */
    public FeaturePricing deactivateFeaturePricing(String featureKey) {
        return observation.call("deactivateFeaturePricing", null, () -> priceList.deactivateFeature(featureKey));
    }

    /**
     * Changes only the fields the update sets (seed 004's {@code PATCH}), keeping the rest as stored.
     *
     * @throws UnknownFeatureException  if it does not exist
     * @throws InvalidArgumentException if a field set is malformed
     */
    public FeaturePricing updateFeaturePricing(String featureKey, FeatureUpdate update) {
        return observation.call("updateFeaturePricing", null, () -> priceList.updateFeature(featureKey, update));
    }

    /**
     * Switches a deactivated feature back on (an active one is returned unchanged).
     *
     * @throws UnknownFeatureException if it does not exist
     */
    public FeaturePricing reactivateFeaturePricing(String featureKey) {
        return observation.call("reactivateFeaturePricing", null, () -> priceList.reactivateFeature(featureKey));
    }

    /**
     * Removes a feature from the price list. History keeps the key and the price each entry charged.
     *
     * @return whether it existed
     */
    public boolean deleteFeaturePricing(String featureKey) {
        return observation.call("deleteFeaturePricing", null, () -> priceList.deleteFeature(featureKey));
    }

    /** @return the feature's price, or empty if the key is not in the price list */
    public Optional<FeaturePricing> getFeaturePricing(String featureKey) {
        return observation.call("getFeaturePricing", null, () -> priceList.getFeature(featureKey));
    }

    /** @return the whole price list, ordered by key */
    public List<FeaturePricing> listFeaturePricing() {
        return observation.call("listFeaturePricing", null, () -> priceList.listFeatures(null));
    }

    /** @return the features of one category, ordered by key */
    public List<FeaturePricing> listFeaturePricing(String category) {
        if (category == null) {
            throw new InvalidArgumentException("category", "is required (listFeaturePricing() lists all)");
        }
        return observation.call("listFeaturePricing", null, () -> priceList.listFeatures(category));
    }

    // ---------------------------------------------------------------- grants

    /**
     * Grants credits onto a new lot. Outstanding overdraft debt of the credit type is paid first from it.
     *
     * @throws UnknownAccountException      if the account was never opened
     * @throws InvalidArgumentException     on a non-positive or too large amount, an expiry not in the
     *                                      future or after {@link #MAX_INSTANT}, a {@link LotSource#OVERDRAFT}
     *                                      source, or a malformed id, text or metadata (see the input rules)
     * @throws IdempotencyConflictException if the key was used for a different request
     */
    public GrantResult grant(GrantRequest request) {
        return observation.call("grant", request, () -> spending.grant(request));
    }

    // ---------------------------------------------------------------- spending

    /** Same as {@link #checkCredits(String, String, long)} for one unit. */
    public CheckResult checkCredits(String accountId, String featureKey) {
        return checkCredits(accountId, featureKey, 1);
    }

    /**
     * Tells whether the account could pay for {@code quantity} units of the feature right now, and what it
     * would cost. Changes nothing.
     *
     * @throws UnknownAccountException if the account was never opened
     */
    public CheckResult checkCredits(String accountId, String featureKey, long quantity) {
        return observation.call("checkCredits", accountId, () -> spending.check(accountId, featureKey, quantity));
    }

    /** Deducts one unit of the feature, without idempotency key. See {@link #deductCredits(DeductRequest)}. */
    public DeductionResult deductCredits(String accountId, String featureKey) {
        return deductCredits(DeductRequest.of(accountId, featureKey));
    }

    /**
     * Deducts credits per unit x quantity of the feature from the account's lots in burn-down order, and
     * records the price charged and one receipt line per lot touched. A short balance, an unknown or
     * inactive feature or a paused account is a rejection value and changes nothing.
     *
     * @throws UnknownAccountException      if the account was never opened
     * @throws IdempotencyConflictException if the key was used for a different request
     */
    public DeductionResult deductCredits(DeductRequest request) {
        return observation.call("deductCredits", request, () -> spending.deduct(request));
    }

    /**
     * Refunds everything of a deduction that was not refunded yet.
     *
     * @param reason         free text, or null
     * @param idempotencyKey makes the call safe to retry, or null
     * @see #refundCredits(RefundRequest)
     */
    public RefundResult refundCredits(String transactionId, String reason, String idempotencyKey) {
        return refundCredits(RefundRequest.of(transactionId).withReason(reason).withIdempotencyKey(idempotencyKey));
    }

    /**
     * Gives back all or part of a deduction (a direct one or a committed hold). Credits return to the lots
     * they came from, last taken first; credits that came from the overdraft lot reduce its debt. Credits
     * that cannot go back (their lot expired in the meantime, or the debt they made was paid by a later
     * grant) first pay any current debt, and the rest comes back on a new {@link LotSource#REFUND} lot that
     * expires after the ledger's {@linkplain Builder#expiredLotRefundValidity(Duration) refund validity}.
     *
     * @throws UnknownTransactionException  if no deduction has this id
     * @throws RefundLimitException         if more is asked than charged minus earlier refunds (or nothing is
     *                                      left to refund)
     * @throws IdempotencyConflictException if the key was used for a different request
     */
    public RefundResult refundCredits(RefundRequest request) {
        return observation.call("refundCredits", request, () -> refunds.refund(request));
    }

    // ---------------------------------------------------------------- holds

    /** Reserves one or more units of a feature with the given timeout. See {@link #reserve(ReserveRequest)}. */
    public ReservationResult reserve(String accountId, String featureKey, long quantity, Duration timeout) {
        return reserve(ReserveRequest.of(accountId, featureKey).withQuantity(quantity).withTimeout(timeout));
    }

    /**
     * Holds the cost of a feature for work in flight: the credits leave the available balance now, are
     * charged on {@link #commit}, and come back on {@link #release} or by themselves when the timeout
     * passes. The hold records which lots it reserved.
     *
     * @throws UnknownAccountException      if the account was never opened
     * @throws InvalidArgumentException     on a timeout that is not positive or exceeds the ledger's maximum
     * @throws IdempotencyConflictException if the key was used for a different request
     */
    public ReservationResult reserve(ReserveRequest request) {
        return observation.call("reserve", request, () -> holds.reserve(request));
    }

    /** Commits all the credits held. See {@link #commit(String, long)}. */
    public CommitResult commit(String holdId) {
        return observation.call("commit", null, () -> holds.commit(holdId, -1));
    }

    /**
     * Charges {@code credits} (at most what is held) and releases the rest. Committing a committed hold with
     * the same amount returns the outcome again.
     *
     * @throws UnknownHoldException     if no hold has this id
     * @throws HoldStateException       if the hold was released, expired (its deadline passed), or committed
     *                                  with a different amount
     * @throws InvalidArgumentException if {@code credits} is negative or more than held
     */
    public CommitResult commit(String holdId, long credits) {
        return observation.call("commit", null, () -> {
            if (credits < 0) {
                throw new InvalidArgumentException("credits", "must not be negative: " + credits);
            }
            return holds.commit(holdId, credits);
        });
    }

    /**
     * Charges {@code quantity} units at the hold's unit price (at most the quantity held) and releases the
     * rest.
     */
    public CommitResult commitQuantity(String holdId, long quantity) {
        return observation.call("commitQuantity", null, () -> holds.commitQuantity(holdId, quantity));
    }

    /**
     * Releases a hold: its credits return to the lots they were reserved from. Releasing a released or
     * expired hold returns the outcome again.
     *
     * @throws UnknownHoldException if no hold has this id
     * @throws HoldStateException   if the hold was committed
     */
    public ReleaseResult release(String holdId) {
        return observation.call("release", null, () -> holds.release(holdId));
    }

    /** @return the hold (an open hold past its deadline reads as EXPIRED), or empty */
    public Optional<Hold> getHold(String holdId) {
        return observation.call("getHold", null, () -> holds.getHold(holdId));
    }

    /** Same as {@link #charge(ReserveRequest, ChargeWork)} for one unit with the default timeout. */
    public <T, X extends Exception> ChargeResult<T> charge(String accountId, String featureKey,
                                                           ChargeWork<T, X> work) throws X {
        return charge(ReserveRequest.of(accountId, featureKey), work);
    }

    /**
     * The safe way to bill slow work (a 30-60 s AI job): reserves the cost, runs the work, commits on
     * success, and releases and rethrows if the work throws. If the reservation is rejected the work does
     * not run and the rejection is returned. If the host crashes mid-way, the hold releases itself at its
     * timeout, so choose a timeout longer than the work takes: a commit after the deadline throws
     * {@link HoldStateException} (the work's result is then not billed).
     *
     * <p>With an idempotency key the work runs at most once per key: a retry after the first charge was
     * billed returns that outcome with {@code replayed() == true} and no value, without running the work;
     * a retry while the first is still running, or after its work failed and its hold was released, throws
     * {@link HoldStateException} without running the work (use a new key to try again).
     *
     * @throws X whatever the work throws, after the hold was released
     */
    public <T, X extends Exception> ChargeResult<T> charge(ReserveRequest request, ChargeWork<T, X> work) throws X {
        return observation.call("charge", request, () -> holds.charge(request, work));
    }

    // ---------------------------------------------------------------- reads

    /** @return the balance of the default credit type */
    public Balance balance(String accountId) {
        return balance(accountId, DEFAULT_CREDIT_TYPE);
    }

    /**
     * Reads one balance: total, held, available, and the live lots with their expiry. Expired credits are
     * never shown; holds past their deadline count as released. Changes nothing.
     *
     * @throws UnknownAccountException if the account was never opened
     */
    public Balance balance(String accountId, String creditType) {
        return observation.call("balance", accountId, () -> reads.balance(accountId, creditType));
    }

    /** @return every balance of the account, by credit type */
    public Map<String, Balance> balances(String accountId) {
        return observation.call("balances", accountId, () -> reads.balances(accountId));
    }

    /**
     * Reads the account's entries newest first, one page at a time with a keyset cursor: pages never skip
     * or repeat an entry. The filter's bounds need not be storable instants: {@code from = Instant.MIN} and
     * {@code to = Instant.MAX} (or null) mean unbounded on every store, see {@link HistoryFilter}.
     *
     * @throws InvalidArgumentException if the cursor is malformed or the limit out of range
     */
    public HistoryPage history(String accountId, HistoryFilter filter, PageRequest page) {
        return observation.call("history", accountId, () -> reads.history(accountId, filter, page));
    }

    /**
     * @return the entry with the lots it touched ("which grant paid for this?")
     * @throws UnknownTransactionException if no entry has this id
     */
    public Receipt receipt(String transactionId) {
        return observation.call("receipt", null, () -> reads.receipt(transactionId));
    }

    // ================================================================ account links

    /**
     * As {@link #linkAccount(String, String, String)} without a detail.
     */
    public AccountLink linkAccount(String reference, String accountId) {
        return observation.call("linkAccount", accountId, () -> links.link(reference, accountId, null));
    }

    /**
     * Links an external reference (e.g. {@code "stripe:sub_123"}, {@code "stripe:cus_9"}) to an account, once: if
     * the reference is linked already, nothing changes and the existing link is returned, whichever account it
     * names (compare its {@link AccountLink#accountId()} to learn whether it is this one). Of concurrent calls for
     * one reference, on any store, exactly one writes. Links are store-wide and durable; they are not entries and
     * do not change the account's sequence.
     *
     * @param reference the external reference: not blank, at most 128 characters, no control characters
     * @param accountId the account
     * @param detail    a short value to keep with the link (same rules as a reference), or null
     * @return the link as stored
     * @throws InvalidArgumentException if an argument is malformed
     * @throws UnknownAccountException  if the reference is not linked yet and the account does not exist
     */
    public AccountLink linkAccount(String reference, String accountId, String detail) {
        return observation.call("linkAccount", accountId, () -> links.link(reference, accountId, detail));
    }

    /**
     * @return the link of an external reference, or empty if it was never linked
     * @throws InvalidArgumentException if the reference is malformed
     */
    public Optional<AccountLink> findAccountLink(String reference) {
        return observation.call("findAccountLink", null, () -> links.find(reference));
    }

    // ================================================================ areas

    /**
     * Organizations: pools and their members, spending caps, transfers between accounts of one organization, and the
     * approval of large purchases.
     *
     * @return this ledger's organizations area (the same instance every time)
     */
    public Orgs orgs() {
        return orgsArea;
    }

    /**
     * Selling credits: the catalog of packages and promotions, quotes, purchases and their payment reversals
     * (refunds and disputes of a purchase's payment).
     *
     * @return this ledger's commerce area (the same instance every time)
     */
    public Commerce commerce() {
        return commerceArea;
    }

    /**
     * Subscriptions: plans with their allowances, putting accounts on plans, and allowance periods.
     *
     * @return this ledger's plans area (the same instance every time)
     */
    public Plans plans() {
        return plansArea;
    }

    /**
     * The outbox: events of every change (entries, low / recovered / depleted balances, expiring and expired credits,
     * purchases, periods, holds) and the named consumers that read them.
     *
     * @return this ledger's events area (the same instance every time)
     */
    public Events events() {
        return eventsArea;
    }

    /**
     * Reads that reconcile and explain: changes after a sequence number, holds in flight, why a spend would be
     * charged or refused.
     *
     * @return this ledger's inspection area (the same instance every time)
     */
    public Inspection inspection() {
        return inspectionArea;
    }

    /**
     * The audit trail: who changed what, when and why, for changes that are not balance entries (accounts, plans,
     * the price list and catalog), and a feature's price history.
     *
     * @return this ledger's audit area (the same instance every time)
     */
    public Audit audit() {
        return auditArea;
    }

    /**
     * An administrator's adjustments: adding and removing credits by hand, with an actor and a reason.
     *
     * @return this ledger's admin area (the same instance every time)
     */
    public Admin admin() {
        return adminArea;
    }

    /**
     * Users' disputes of charges: submit, review, resolve with a refund or reject, the queue and statistics.
     *
     * @return this ledger's disputes area (the same instance every time)
     */
    public ChargeDisputes disputes() {
        return disputesArea;
    }

    /**
     * Usage reports and summaries: usage by time bucket and group, account and system summaries, the depletion
     * forecast, account listings.
     *
     * @return this ledger's reports area (the same instance every time)
     */
    public Reports reports() {
        return reportsArea;
    }

    /**
     * Writes the expiry entries of every lot past its expiry and releases every hold past its deadline,
     * across all accounts. The same happens to an account whenever it is touched; call this periodically
     * (e.g. every minute) so balances and history stay tidy for accounts nobody touches. An account whose
     * sweep fails on its own is logged and counted in {@link ExpiryReport#accountsFailed()}; the others are
     * still swept.
     *
     * @throws StoreUnavailableException if the store is unavailable
     */
    public ExpiryReport expireDue() {
        return observation.call("expireDue", null, () -> {
            eventsArea.sweep(); // first: a failure there fails the sweep before it changed anything
            return sweep.expireDue();
        });
    }

    /**
     * Builds a {@link CreditLedger}. Defaults: system UTC clock, {@link BurnDownOrder#DEFAULT}, holds time
     * out after 5 minutes (at most 24 hours), refunds onto an expired lot come back valid for 30 days.
     * Not thread-safe; each {@link #build()} copies the settings.
     */
    public static final class Builder {
        private CreditStore store;
        private Clock clock = Clock.systemUTC();
        private BurnDownOrder burnDownOrder = BurnDownOrder.DEFAULT;
        private Duration defaultHoldTimeout = Duration.ofMinutes(5);
        private Duration maxHoldTimeout = Duration.ofHours(24);
        private Duration expiredLotRefundValidity = Duration.ofDays(30);
        private PurchasePolicy purchasePolicy = PurchasePolicy.DEFAULT;
        private ApprovalRule approvalRule = ApprovalRule.NONE;
        private LedgerObserver observer;
        private long lowBalanceThreshold;
        private long lowBalanceRecoveryMargin;
        private Duration expiryNotice = EventSettings.DEFAULTS.expiryNotice();
        private Duration eventRetention = EventSettings.DEFAULTS.retention();
        private Duration eventLeaseDuration = EventSettings.DEFAULTS.leaseDuration();
        /** Set by {@link CreditLedger#actingAs(Actor)} only. */
        private Actor actor;
        private java.util.Set<String> usageDimensions = java.util.Set.of();
        private boolean writeCombining = true;
        private int maxCombinedCalls = 64;
        private int maxUnitsInFlight = Math.max(8, 4 * Runtime.getRuntime().availableProcessors());

        private Builder() {
        }

        /** @return a builder with the same settings (every field: keep it complete) */
        private Builder copy() {
            Builder copy = new Builder();
            copy.store = store;
            copy.clock = clock;
            copy.burnDownOrder = burnDownOrder;
            copy.defaultHoldTimeout = defaultHoldTimeout;
            copy.maxHoldTimeout = maxHoldTimeout;
            copy.expiredLotRefundValidity = expiredLotRefundValidity;
            copy.purchasePolicy = purchasePolicy;
            copy.approvalRule = approvalRule;
            copy.observer = observer;
            copy.lowBalanceThreshold = lowBalanceThreshold;
            copy.lowBalanceRecoveryMargin = lowBalanceRecoveryMargin;
            copy.expiryNotice = expiryNotice;
            copy.eventRetention = eventRetention;
            copy.eventLeaseDuration = eventLeaseDuration;
            copy.actor = actor;
            copy.usageDimensions = usageDimensions;
            copy.writeCombining = writeCombining;
            copy.maxCombinedCalls = maxCombinedCalls;
            copy.maxUnitsInFlight = maxUnitsInFlight;
            return copy;
        }

        /** The store (required): {@code InMemoryCreditStore}, {@code JdbiCreditStore}, or your own. */
        public Builder store(CreditStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * The clock for every timestamp, expiry and deadline; inject a fixed one in tests. It is read to the
         * millisecond; a call while it reads outside [{@link #MIN_INSTANT}, {@link #MAX_INSTANT}] is an
         * {@link InvalidArgumentException}.
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The order lots are spent in. */
        public Builder burnDownOrder(BurnDownOrder burnDownOrder) {
            this.burnDownOrder = Objects.requireNonNull(burnDownOrder, "burnDownOrder");
            return this;
        }

        /** The timeout of a hold that does not set one (default 5 minutes). */
        public Builder defaultHoldTimeout(Duration timeout) {
            this.defaultHoldTimeout = positive(timeout, "defaultHoldTimeout");
            return this;
        }

        /** The longest timeout a hold may ask for (default 24 hours). */
        public Builder maxHoldTimeout(Duration timeout) {
            this.maxHoldTimeout = positive(timeout, "maxHoldTimeout");
            return this;
        }

        /**
         * How long credits stay valid when a refund brings them back after their lot expired (default 30
         * days from the refund).
         */
        public Builder expiredLotRefundValidity(Duration validity) {
            this.expiredLotRefundValidity = positive(validity, "expiredLotRefundValidity");
            return this;
        }

        /** The rules of buying credits: credit rate, minimum, maximum, bulk discounts (default: none). */
        public Builder purchasePolicy(PurchasePolicy policy) {
            this.purchasePolicy = Objects.requireNonNull(policy, "purchasePolicy");
            return this;
        }

        /**
         * Which purchases wait for an approval per organization (default {@link ApprovalRule#NONE}), besides the
         * purchase policy's ledger-wide threshold: e.g. {@code ApprovalRule.creditsAbove(Map.of("org_acme", 5_000L))}.
         */
        public Builder approvalRule(ApprovalRule rule) {
            this.approvalRule = Objects.requireNonNull(rule, "approvalRule");
            return this;
        }

        /**
         * Tells {@code observer} about every public call of the ledger and its areas (name, account, outcome,
         * duration): see {@link LedgerObserver}. Default: none. One observer; to fan out, register one that calls
         * several.
         */
        public Builder observer(LedgerObserver observer) {
            this.observer = Objects.requireNonNull(observer, "observer");
            return this;
        }

        /**
         * The low-balance threshold of accounts whose settings have none (default 0: no low-balance events for them).
         * An account's available balance falling to or below its threshold writes a {@link EventType#BALANCE_LOW}
         * event.
         */
        public Builder lowBalanceThreshold(long threshold) {
            if (threshold < 0) {
                throw new IllegalArgumentException("lowBalanceThreshold must not be negative: " + threshold);
            }
            this.lowBalanceThreshold = threshold;
            return this;
        }

        /**
         * How far above the threshold the available balance must rise before {@link EventType#BALANCE_RECOVERED}
         * (default 0): a balance hovering at the line does not flap between low and recovered.
         */
        public Builder lowBalanceRecoveryMargin(long margin) {
            if (margin < 0) {
                throw new IllegalArgumentException("lowBalanceRecoveryMargin must not be negative: " + margin);
            }
            this.lowBalanceRecoveryMargin = margin;
            return this;
        }

        /** How long before a lot expires the sweep announces it with {@link EventType#CREDITS_EXPIRING_SOON} (default 7 days). */
        public Builder expiryNotice(Duration notice) {
            this.expiryNotice = positive(notice, "expiryNotice");
            return this;
        }

        /** How long acknowledged events are kept before the sweep deletes them (default 7 days). */
        public Builder eventRetention(Duration retention) {
            this.eventRetention = positive(retention, "eventRetention");
            return this;
        }

        /**
         * How long an event consumer's lease lasts unless its holder polls again (default 30 s): the time another
         * node waits to take over a consumer whose node died. A batch must be handled within it.
         */
        public Builder eventLeaseDuration(Duration lease) {
            this.eventLeaseDuration = positive(lease, "eventLeaseDuration");
            return this;
        }

        /**
         * The metadata keys that are usage dimensions (default none), e.g. {@code "ai", "project"}: the usage rows of
         * reports keep their values, so {@link Reports#usage} can group by them without reading entries. At most
         * {@value #MAX_USAGE_DIMENSIONS} keys. The rows keep the values of the keys declared when an entry was written:
         * a key declared later counts from then on (earlier usage shows no value for it until
         * {@link Reports#rebuildUsage} sums an account's history again), and a key no longer declared is refused by
         * queries while its stored values stay in the rows (declaring it again brings them back).
         *
         * @throws IllegalArgumentException if a key is blank, longer than 64 characters, or there are too many
         */
        public Builder usageDimensions(String... keys) {
            java.util.Set<String> declared = new java.util.TreeSet<>();
            for (String key : keys) {
                Objects.requireNonNull(key, "usage dimension");
                if (key.isBlank() || key.length() > 64) {
                    throw new IllegalArgumentException("a usage dimension must be 1 to 64 characters: '" + key + "'");
                }
                declared.add(key);
            }
            if (declared.size() > MAX_USAGE_DIMENSIONS) {
                throw new IllegalArgumentException("at most " + MAX_USAGE_DIMENSIONS + " usage dimensions, not "
                        + declared.size());
            }
            this.usageDimensions = java.util.Set.copyOf(declared);
            return this;
        }

        /** The most metadata keys {@link #usageDimensions} takes. */
        public static final int MAX_USAGE_DIMENSIONS = 8;

        /**
         * Whether concurrent calls combine into shared transactions (default: on). Calls are grouped by their
         * organization's root (an account in no pool is its own root; a pool and its members share one). A call whose
         * root has no unit of work in flight in this ledger runs at once, in a transaction of its own, while fewer than
         * {@link #maxUnitsInFlight(int)} are in flight. Otherwise it waits, for its root's unit of work in flight, or,
         * at that bound, for any one to finish; the next unit of work then runs the waiting calls (up to {@link
         * #maxCombinedCalls(int)}), whatever their accounts, in one transaction (while such transactions over several
         * organizations are in flight, the bound drops to a quarter of {@link #maxUnitsInFlight(int)}, at least one,
         * so that a crowd of calls shares a few large transactions rather than many of one call each): every account
         * they touch locked in one canonical order (root first, then by depth and id), each call evaluated in arrival
         * order by the same rules with its own result and sequence number, one commit, and each caller answered once
         * that commit returned. Calls arriving on an organization while its transaction locks, reads and runs its calls
         * join that transaction (up to {@link #maxCombinedCalls(int)}, within a second of its start, each at the
         * instant it joined) instead of waiting for the next, and so they do a transaction that a call finding none in
         * flight starts, where {@linkplain dev.credits.spi.CreditStore#unitsOfWorkAreCostly() units of work are costly}
         * (the database stores). No timer: calls wait only behind work in flight. A rejection or a bad-input exception
         * of one call never affects another; if a combined transaction of several calls fails, its calls run again one
         * by one. This multiplies what one hot account (an organization's pool, spent by its members) can take on a
         * database store, where each transaction costs a lock, round trips and a durable commit, and shares commits
         * among calls on different accounts once more are in flight than the bound. Results are those of the calls run
         * one after the other, in some order; with it off, each call is its own transaction.
         */
        public Builder writeCombining(boolean enabled) {
            this.writeCombining = enabled;
            return this;
        }

        /**
         * The most calls combined into one transaction (default 64); see {@link #writeCombining(boolean)}. A larger
         * batch amortizes more per commit but holds its accounts' locks longer.
         *
         * @throws IllegalArgumentException if below 1
         */
        public Builder maxCombinedCalls(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxCombinedCalls must be at least 1: " + max);
            }
            this.maxCombinedCalls = max;
            return this;
        }

        /**
         * The most units of work this ledger runs at once before calls on accounts with none in flight wait and
         * combine (default: four per processor, at least 8); see {@link #writeCombining(boolean)}. Below it, calls on
         * different accounts run side by side as without combining; a smaller bound shares more commits (less work
         * per call for the database) at the cost of less parallelism. Once calls wait at the bound and share a
         * transaction over several organizations, the bound is a quarter of this one (at least one) until no such
         * transaction is in flight: on PostgreSQL, 2 cores for client and database, 10,000 accounts, 32 threads ran
         * about 1.4 times as fast with 2 units in flight as with 8 (the README gives the figures). Keep it at or
         * below the connection pool's size.
         * It applies where the store {@linkplain dev.credits.spi.CreditStore#combinesAcrossAccounts() combines across
         * accounts}; elsewhere a batch holds one organization's calls and calls on other accounts never wait.
         *
         * @throws IllegalArgumentException if below 1
         */
        public Builder maxUnitsInFlight(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxUnitsInFlight must be at least 1: " + max);
            }
            this.maxUnitsInFlight = max;
            return this;
        }

        EventSettings eventSettings() {
            return new EventSettings(lowBalanceThreshold, lowBalanceRecoveryMargin, expiryNotice, eventRetention,
                    eventLeaseDuration);
        }

        /**
         * @return a new ledger
         * @throws IllegalStateException if no store was set or the default hold timeout exceeds the maximum
         */
        public CreditLedger build() {
            if (store == null) {
                throw new IllegalStateException("a store is required: builder().store(...)");
            }
            if (defaultHoldTimeout.compareTo(maxHoldTimeout) > 0) {
                throw new IllegalStateException("defaultHoldTimeout exceeds maxHoldTimeout");
            }
            return new CreditLedger(this);
        }

        private static Duration positive(Duration duration, String name) {
            Objects.requireNonNull(duration, name);
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + duration);
            }
            return duration;
        }
    }
}
