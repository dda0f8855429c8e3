package dev.credits.jdbc;

import dev.credits.Account;
import dev.credits.AccountLink;
import dev.credits.AccountStatus;
import dev.credits.CapPeriod;
import dev.credits.Allocation;
import dev.credits.AuditAction;
import dev.credits.AuditRecord;
import dev.credits.ChargeDispute;
import dev.credits.ChargeDisputeStatus;
import dev.credits.CreditPackage;
import dev.credits.DisputeStatus;
import dev.credits.EntryType;
import dev.credits.FeaturePricing;
import dev.credits.Hold;
import dev.credits.HoldKind;
import dev.credits.HoldStatus;
import dev.credits.LedgerEntry;
import dev.credits.Lot;
import dev.credits.LotSource;
import dev.credits.Plan;
import dev.credits.Promotion;
import dev.credits.Purchase;
import dev.credits.PurchaseApproval;
import dev.credits.PurchaseStatus;
import dev.credits.SpendingCap;
import dev.credits.spi.AlertState;
import dev.credits.spi.BalanceRecord;
import dev.credits.spi.CapUsage;
import dev.credits.spi.ConsumerRecord;
import dev.credits.spi.EventRecord;
import dev.credits.spi.ExpiryNotice;
import dev.credits.spi.IdempotencyRecord;
import dev.credits.spi.UsageKey;
import dev.credits.spi.UsageKind;
import dev.credits.spi.UsageRecord;
import dev.credits.spi.UsageTotals;
import org.jdbi.v3.core.statement.StatementContext;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.ZoneId;
import java.util.List;

/**
 * Every table of the store, each described once ({@link RowDefinition}): its columns with the value each takes from
 * the record, and the mapper that reads a row back, next to each other. The statements that write whole rows, the
 * column lists of the selects and both transports of a change set come from these. To add a column: the record's
 * field, one line here (and the mapper's read), and the migration files; {@code RowDefinitionSchemaTest} fails until
 * the installed schema and the definition agree. Stateless; thread-safe.
 */
final class Tables {

    private Tables() {
    }

    static final RowDefinition<Account> ACCOUNTS = RowDefinition.of("accounts", Tables::account)
            .string("account_id", Account::accountId)
            .name("status", Account::status)
            .bigint("overdraft_limit", Account::overdraftLimit)
            .bigint("low_balance_threshold", Account::lowBalanceThreshold)
            .bigint("max_open_holds", Account::maxOpenHolds)
            .string("plan_id", Account::planId)
            .string("next_plan_id", Account::nextPlanId)
            .instant("period_start_at_micros", Account::periodStart)
            .instant("period_end_at_micros", Account::periodEnd)
            .bigint("sequence_no", Account::sequence)
            .instant("created_at_micros", Account::createdAt)
            .instant("updated_at_micros", Account::updatedAt)
            .string("subscription_id", Account::subscriptionId)
            .string("parent_id", Account::parentId)
            .bool("capped", Account::capped)
            .build();

    /**
     * What a unit of work changes of the account row (all but its id and creation time), by its id, on the condition
     * that its sequence is still the one read under the lock.
     */
    static final RowUpdate<Account> ACCOUNT_UPDATE = RowUpdate.allBut(ACCOUNTS, "account_id", "sequence_no",
            "created_at_micros");

    static final RowDefinition<BalanceRecord> BALANCES = RowDefinition.of("balances", Tables::balance)
            .string("account_id", BalanceRecord::accountId)
            .string("credit_type", BalanceRecord::creditType)
            .bigint("balance", BalanceRecord::balance)
            .bigint("held", BalanceRecord::held)
            .build();

    static final RowDefinition<Lot> LOTS = RowDefinition.of("lots", Tables::lot)
            .string("lot_id", Lot::lotId)
            .string("account_id", Lot::accountId)
            .string("credit_type", Lot::creditType)
            .name("source", Lot::source)
            .integer("priority", Lot::priority)
            .bigint("amount", Lot::amount)
            .bigint("remaining", Lot::remaining)
            .bigint("held", Lot::held)
            .instant("expires_at_micros", Lot::expiresAt)
            .money("money", Lot::moneyPaid)
            .metadata("metadata", Lot::metadata)
            .instant("granted_at_micros", Lot::grantedAt)
            .string("transaction_id", Lot::transactionId)
            .string("purchase_id", Lot::purchaseId)
            .string("plan_id", Rows::allowancePlan)
            .nullableBigint("period_start_at_micros", Rows::allowanceStart)
            .bool("rollover", Rows::allowanceRollover)
            // Kept by the store so that one index serves the live lots.
            .bool("live", Tables::isLive)
            .build();

    /** What a unit of work changes of a lot, by its id and account. */
    static final RowUpdate<Lot> LOT_UPDATE = RowUpdate.of(LOTS, List.of("remaining", "held", "live"), "lot_id",
            "account_id", null);

    /**
     * An entry as stored: the entry, and its receipt's one line when it has exactly one (kept on the entry's row
     * instead of a row of allocations; null otherwise).
     */
    record EntryRow(LedgerEntry entry, Allocation line) {
    }

    static final RowDefinition<EntryRow> ENTRIES = RowDefinition.of("entries", Tables::entryRow)
            .string("transaction_id", row -> row.entry().transactionId())
            .string("account_id", row -> row.entry().accountId())
            .bigint("sequence_no", row -> row.entry().sequence())
            .name("entry_type", row -> row.entry().type())
            .string("credit_type", row -> row.entry().creditType())
            .bigint("amount", row -> row.entry().amount())
            .bigint("balance_after", row -> row.entry().balanceAfter())
            .string("feature_key", row -> row.entry().featureKey())
            .bigint("quantity", row -> row.entry().quantity())
            .bigint("unit_price", row -> row.entry().unitPrice())
            .string("price_plan_id", row -> row.entry().pricePlanId())
            .integer("retry_number", row -> row.entry().retryNumber())
            .string("user_id", row -> row.entry().userId())
            .string("hold_id", row -> row.entry().holdId())
            .string("reference_id", row -> row.entry().referenceId())
            .string("purchase_id", row -> row.entry().purchaseId())
            .string("reason", row -> row.entry().reason())
            .string("idempotency_key", row -> row.entry().idempotencyKey())
            .metadata("metadata", row -> row.entry().metadata())
            .instant("created_at_micros", row -> row.entry().createdAt())
            .string("actor_id", row -> Rows.actorId(row.entry().actor()))
            .string("actor_reason", row -> Rows.actorReason(row.entry().actor()))
            .string("lot_id", row -> row.line() == null ? null : row.line().lotId())
            .nullableBigint("lot_amount", row -> row.line() == null ? null : row.line().amount())
            .build();

    static final RowDefinition<Allocation> ALLOCATIONS = RowDefinition.of("allocations", Tables::allocation)
            .string("owner_id", Allocation::ownerId)
            .integer("line_no", Allocation::position)
            .string("lot_id", Allocation::lotId)
            .bigint("amount", Allocation::amount)
            .build();

    static final RowDefinition<Hold> HOLDS = RowDefinition.of("holds", Tables::hold)
            .string("hold_id", Hold::holdId)
            .string("account_id", Hold::accountId)
            .string("credit_type", Hold::creditType)
            .string("feature_key", Hold::featureKey)
            .bigint("quantity", Hold::quantity)
            .bigint("unit_price", Hold::unitPrice)
            .string("price_plan_id", Hold::pricePlanId)
            .bigint("amount", Hold::amount)
            .name("status", Hold::status)
            .string("user_id", Hold::userId)
            .string("idempotency_key", Hold::idempotencyKey)
            .metadata("metadata", Hold::metadata)
            .instant("created_at_micros", Hold::createdAt)
            .instant("expires_at_micros", Hold::expiresAt)
            .instant("resolved_at_micros", Hold::resolvedAt)
            .bigint("committed_credits", Hold::committedCredits)
            .string("transaction_id", Hold::transactionId)
            .name("kind", Hold::kind)
            .string("purchase_id", Hold::purchaseId)
            .string("retry_of", Hold::retryOf)
            .integer("retry_number", Hold::retryNumber)
            .bigint("changed_at_sequence", Hold::changedAtSequence)
            .build();

    /** What resolving an OPEN hold changes, by its id and account; a hold no longer OPEN is never changed. */
    static final RowUpdate<Hold> HOLD_UPDATE = RowUpdate.of(HOLDS, List.of("status", "resolved_at_micros",
            "committed_credits", "transaction_id", "changed_at_sequence"), "hold_id", "account_id", "status = 'OPEN'");

    static final RowDefinition<IdempotencyRecord> IDEMPOTENCY = RowDefinition.of("idempotency", Tables::idempotency)
            .string("account_id", IdempotencyRecord::accountId)
            .string("idempotency_key", IdempotencyRecord::idempotencyKey)
            .string("fingerprint", IdempotencyRecord::fingerprint)
            .string("result", IdempotencyRecord::result)
            .instant("created_at_micros", IdempotencyRecord::createdAt)
            .build();

    /** Every purchase column but {@code purchase_no}, which the database numbers. */
    static final RowDefinition<Purchase> PURCHASES = RowDefinition.of("purchases", Tables::purchase)
            .string("purchase_id", Purchase::purchaseId)
            .string("account_id", Purchase::accountId)
            .string("package_id", Purchase::packageId)
            .string("credit_type", Purchase::creditType)
            .bigint("credits", Purchase::credits)
            .bigint("bonus_credits", Purchase::bonusCredits)
            .money("list_price", Purchase::listPrice)
            .money("price", Purchase::price)
            .string("promotion_code", Purchase::promotionCode)
            .string("payment_reference", Purchase::paymentReference)
            .string("validity", p -> Rows.period(p.validity()))
            .name("status", Purchase::status)
            .string("lot_id", Purchase::lotId)
            .string("transaction_id", Purchase::transactionId)
            .metadata("metadata", Purchase::metadata)
            .string("idempotency_key", Purchase::idempotencyKey)
            .instant("created_at_micros", Purchase::createdAt)
            .instant("resolved_at_micros", Purchase::resolvedAt)
            .string("failure_reason", Purchase::failureReason)
            .bigint("refunded_credits", Purchase::refundedCredits)
            .bigint("disputed_credits", Purchase::disputedCredits)
            .name("dispute_status", Purchase::disputeStatus)
            .bigint("frozen_credits", Purchase::frozenCredits)
            .bigint("clawed_back", Purchase::clawedBack)
            .string("approval_state", p -> p.approval() == null ? null
                    : p.approval().decidedAt() == null ? "WAITING" : p.approval().approved() ? "APPROVED" : "REJECTED")
            .bool("approval_payment_pending", p -> p.approval() != null && p.approval().paymentPending())
            .string("approver", p -> p.approval() == null ? null : p.approval().approver())
            .instant("approval_decided_at_micros", p -> p.approval() == null ? null : p.approval().decidedAt())
            .build();

    /** Replaces one of the account's purchases. */
    static final RowUpdate<Purchase> PURCHASE_UPDATE = RowUpdate.allBut(PURCHASES, "purchase_id", "account_id",
            "account_id");

    static final RowDefinition<AccountLink> ACCOUNT_LINKS = RowDefinition.of("account_links", Tables::accountLink)
            .string("reference", AccountLink::reference)
            .string("account_id", AccountLink::accountId)
            .string("detail", AccountLink::detail)
            .instant("created_at_micros", AccountLink::createdAt)
            .build();

    static final RowDefinition<FeaturePricing> FEATURES = RowDefinition.of("features", Tables::feature)
            .string("feature_key", FeaturePricing::featureKey)
            .string("feature_name", FeaturePricing::featureName)
            .string("category", FeaturePricing::category)
            .bigint("credits_per_unit", FeaturePricing::creditsPerUnit)
            .string("plan_prices", f -> Rows.jsonLongs(f.planPrices()))
            .integer("free_retries", FeaturePricing::freeRetries)
            .string("credit_type", FeaturePricing::creditType)
            .string("description", FeaturePricing::description)
            .bool("active", FeaturePricing::active)
            .instant("created_at_micros", FeaturePricing::createdAt)
            .instant("updated_at_micros", FeaturePricing::updatedAt)
            .build();

    static final RowUpdate<FeaturePricing> FEATURE_UPDATE = RowUpdate.allBut(FEATURES, "feature_key", null);

    static final RowDefinition<CreditPackage> PACKAGES = RowDefinition.of("packages", Tables::creditPackage)
            .string("package_id", CreditPackage::packageId)
            .string("name", CreditPackage::name)
            .bigint("credits", CreditPackage::credits)
            .money("price", CreditPackage::price)
            .string("credit_type", CreditPackage::creditType)
            .string("validity", p -> Rows.period(p.validity()))
            .bool("active", CreditPackage::active)
            .build();

    static final RowUpdate<CreditPackage> PACKAGE_UPDATE = RowUpdate.allBut(PACKAGES, "package_id", null);

    static final RowDefinition<Plan> PLANS = RowDefinition.of("plans", Tables::plan)
            .string("plan_id", Plan::planId)
            .string("name", Plan::name)
            .money("monthly_price", Plan::monthlyPrice)
            .string("allowances", p -> Rows.jsonLongs(p.allowances()))
            .bigint("rollover_cap", Plan::rolloverCap)
            .bool("can_buy_credits", Plan::canBuyCredits)
            .bool("active", Plan::active)
            .string("plan_rules", Rows::planRules)
            .build();

    static final RowUpdate<Plan> PLAN_UPDATE = RowUpdate.allBut(PLANS, "plan_id", null);

    /**
     * {@code uses} is last: only promotion uses change it (see {@link SqlStatements#usePromotion()}), never a save: an
     * insert starts it at 0, an update leaves it out.
     */
    static final RowDefinition<Promotion> PROMOTIONS = RowDefinition.of("promotions", Tables::promotion)
            .string("code", Promotion::code)
            .string("description", Promotion::description)
            .decimal("percent_off", "percent_off_scale", Promotion::percentOff)
            .money("amount_off", Promotion::amountOff)
            .bigint("bonus_credits", Promotion::bonusCredits)
            .instant("valid_from_at_micros", Promotion::validFrom)
            .instant("valid_until_at_micros", Promotion::validUntil)
            .string("package_ids", p -> Rows.jsonSet(p.packageIds()))
            .bigint("max_uses", Promotion::maxUses)
            .bigint("max_uses_per_account", Promotion::maxUsesPerAccount)
            .bool("active", Promotion::active)
            .string("plan_ids", p -> Rows.jsonSet(p.planIds()))
            .bigint("uses", promotion -> 0L)
            .build();

    static final RowUpdate<Promotion> PROMOTION_UPDATE = RowUpdate.allBut(PROMOTIONS, "code", null, "uses");

    // ---------------------------------------------------------------- the outbox (schema version 4)

    /**
     * An event as a unit of work writes it: {@code event_position} NULL, given later, in commit order, by the numbering
     * step ({@link EventStatements}).
     */
    static final RowDefinition<EventRecord> EVENTS = RowDefinition.of("events", Tables::event)
            .string("account_id", EventRecord::accountId)
            .bigint("account_sequence", EventRecord::accountSequence)
            .integer("event_index", EventRecord::index)
            .string("event_id", EventRecord::eventId)
            .nullableBigint("event_position", event -> null)
            .string("event_type", EventRecord::type)
            .string("credit_type", EventRecord::creditType)
            .string("payload", EventRecord::payload)
            .instant("occurred_at_micros", EventRecord::occurredAt)
            .build();

    /** Written by the consumers' own statements ({@link JdbcEventStore}), never by a unit of work. */
    static final RowDefinition<ConsumerRecord> EVENT_CONSUMERS = RowDefinition.of("event_consumers", Tables::consumer)
            .string("consumer_name", ConsumerRecord::name)
            .bigint("cursor_position", ConsumerRecord::cursor)
            .string("lease_owner", ConsumerRecord::leaseOwner)
            .instant("lease_until_micros", ConsumerRecord::leaseUntil)
            .instant("created_at_micros", ConsumerRecord::createdAt)
            .build();

    /** Replaced, not updated: a unit of work deletes an account's states of the credit types it writes, then inserts. */
    static final RowDefinition<AlertState> ALERT_STATES = RowDefinition.of("alert_states", Tables::alertState)
            .string("account_id", AlertState::accountId)
            .string("credit_type", AlertState::creditType)
            .bool("is_low", AlertState::low)
            .instant("changed_at_micros", AlertState::changedAt)
            .build();

    static final RowDefinition<ExpiryNotice> EXPIRY_NOTICES = RowDefinition.of("expiry_notices", Tables::expiryNotice)
            .string("account_id", ExpiryNotice::accountId)
            .string("lot_id", ExpiryNotice::lotId)
            .instant("noticed_at_micros", ExpiryNotice::noticedAt)
            .build();

    // ---------------------------------------------------------------- the audit trail (schema version 6)

    /** Every audit column but {@code audit_no}, which the database numbers (the record's position). */
    static final RowDefinition<AuditRecord> AUDIT_RECORDS = RowDefinition.of("audit_records", Tables::auditRecord)
            .string("account_id", AuditRecord::accountId)
            .bigint("sequence_no", AuditRecord::sequence)
            .name("action", AuditRecord::action)
            .string("subject", AuditRecord::subject)
            .string("actor_id", r -> Rows.actorId(r.actor()))
            .string("actor_reason", r -> Rows.actorReason(r.actor()))
            .metadata("before_fields", AuditRecord::before)
            .metadata("after_fields", AuditRecord::after)
            .instant("created_at_micros", AuditRecord::createdAt)
            .build();

    static final RowDefinition<ChargeDispute> CHARGE_DISPUTES = RowDefinition.of("charge_disputes",
                    Tables::chargeDispute)
            .string("dispute_id", ChargeDispute::disputeId)
            .string("account_id", ChargeDispute::accountId)
            .string("transaction_id", ChargeDispute::transactionId)
            .string("credit_type", ChargeDispute::creditType)
            .string("reason", ChargeDispute::reason)
            .string("description", ChargeDispute::description)
            .bigint("credits_requested", ChargeDispute::creditsRequested)
            .name("status", ChargeDispute::status)
            .string("submitted_by_id", d -> Rows.actorId(d.submittedBy()))
            .string("submitted_by_reason", d -> Rows.actorReason(d.submittedBy()))
            .instant("submitted_at_micros", ChargeDispute::submittedAt)
            .string("reviewed_by_id", d -> Rows.actorId(d.reviewedBy()))
            .string("reviewed_by_reason", d -> Rows.actorReason(d.reviewedBy()))
            .instant("reviewed_at_micros", ChargeDispute::reviewedAt)
            .string("resolved_by_id", d -> Rows.actorId(d.resolvedBy()))
            .string("resolved_by_reason", d -> Rows.actorReason(d.resolvedBy()))
            .instant("resolved_at_micros", ChargeDispute::resolvedAt)
            .bigint("credits_refunded", ChargeDispute::creditsRefunded)
            .string("resolution_note", ChargeDispute::resolutionNote)
            .string("refund_id", ChargeDispute::refundId)
            .bigint("changed_at_sequence", ChargeDispute::changedAtSequence)
            .build();

    /** Replaces one of the account's disputes by id. */
    static final RowUpdate<ChargeDispute> CHARGE_DISPUTE_UPDATE = RowUpdate.allBut(CHARGE_DISPUTES, "dispute_id",
            "account_id", "account_id");

    /** A usage row of reports: what a unit of work adds to the stored row of its account, bucket and group key. */
    static final RowDefinition<UsageRecord> USAGE_BUCKETS = RowDefinition.of("usage_buckets", Tables::usageRecord)
            .string("account_id", UsageRecord::accountId)
            .instant("bucket_start_micros", UsageRecord::bucketStart)
            .string("group_key", u -> u.key().groupKey())
            .string("credit_type", u -> u.key().creditType())
            .name("usage_kind", u -> u.key().kind())
            .name("lot_source", u -> u.key().source())
            .string("feature_key", u -> u.key().featureKey())
            .string("user_id", u -> u.key().userId())
            .metadata("dimensions", u -> u.key().dimensions())
            .string("currency", u -> u.key().currency())
            .bigint("credits", u -> u.totals().credits())
            .bigint("charged", u -> u.totals().charged())
            .bigint("refunded", u -> u.totals().refunded())
            .bigint("quantity", u -> u.totals().quantity())
            .bigint("deductions", u -> u.totals().deductions())
            .bigint("free_retries", u -> u.totals().freeRetries())
            .bigint("entry_count", u -> u.totals().entries())
            .column("money_amount", java.sql.Types.NUMERIC, u -> u.totals().money())
            .build();

    /** The columns of {@link #USAGE_BUCKETS} a store adds to (the sums), in order. */
    static final List<String> USAGE_SUMS = List.of("credits", "charged", "refunded", "quantity", "deductions",
            "free_retries", "entry_count", "money_amount");

    /** Replaced, not updated: a unit of work deletes the account's caps it writes or removes, then inserts. */
    static final RowDefinition<SpendingCap> CAPS = RowDefinition.of("caps", Tables::cap)
            .string("account_id", SpendingCap::accountId)
            .string("cap_id", SpendingCap::capId)
            .name("cap_period", SpendingCap::period)
            .bigint("cap_limit", SpendingCap::limit)
            .string("key_name", SpendingCap::keyName)
            .string("credit_type", SpendingCap::creditType)
            .string("zone_id", cap -> cap.zone().getId())
            .string("changed_by", SpendingCap::changedBy)
            .instant("changed_at_micros", SpendingCap::changedAt)
            .build();

    /** Replaced, not updated, like {@link #CAPS}. */
    static final RowDefinition<CapUsage> CAP_USAGE = RowDefinition.of("cap_usage", Tables::capUsage)
            .string("account_id", CapUsage::accountId)
            .string("cap_id", CapUsage::capId)
            .string("cap_key", CapUsage::key)
            .instant("period_start_micros", CapUsage::periodStart)
            .bigint("used", CapUsage::used)
            .build();

    /** Every table, for the schema check (event_sequencer, one row the numbering step locks, aside). */
    static final List<RowDefinition<?>> ALL = List.of(ACCOUNTS, BALANCES, LOTS, ENTRIES, ALLOCATIONS, HOLDS,
            IDEMPOTENCY, PURCHASES, ACCOUNT_LINKS, FEATURES, PACKAGES, PLANS, PROMOTIONS, EVENTS, EVENT_CONSUMERS,
            ALERT_STATES, EXPIRY_NOTICES, AUDIT_RECORDS, CHARGE_DISPUTES, USAGE_BUCKETS, CAPS, CAP_USAGE);

    static boolean isLive(Lot lot) {
        return lot.remaining() != 0 || lot.held() != 0;
    }

    // ---------------------------------------------------------------- mappers

    private static Account account(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Account(
            rs.getString("account_id"),
            AccountStatus.valueOf(rs.getString("status")),
            rs.getLong("overdraft_limit"),
            rs.getLong("low_balance_threshold"),
            rs.getLong("max_open_holds"),
            rs.getString("plan_id"),
            rs.getString("next_plan_id"),
            Rows.instant(rs, "period_start_at_micros"),
            Rows.instant(rs, "period_end_at_micros"),
            rs.getLong("sequence_no"),
            Rows.instant(rs, "created_at_micros"),
            Rows.instant(rs, "updated_at_micros"),
            rs.getString("subscription_id"),
            rs.getString("parent_id"),
            rs.getBoolean("capped"));
    }

    private static SpendingCap cap(ResultSet rs, StatementContext ctx) throws SQLException {
        return new SpendingCap(rs.getString("account_id"), rs.getString("cap_id"),
                CapPeriod.valueOf(rs.getString("cap_period")), rs.getLong("cap_limit"), rs.getString("key_name"),
                rs.getString("credit_type"), ZoneId.of(rs.getString("zone_id")), rs.getString("changed_by"),
                Rows.instant(rs, "changed_at_micros"));
    }

    private static CapUsage capUsage(ResultSet rs, StatementContext ctx) throws SQLException {
        return new CapUsage(rs.getString("account_id"), rs.getString("cap_id"), rs.getString("cap_key"),
                Rows.instant(rs, "period_start_micros"), rs.getLong("used"));
    }

    private static PurchaseApproval approval(ResultSet rs) throws SQLException {
        String state = rs.getString("approval_state");
        if (state == null) {
            return null;
        }
        return new PurchaseApproval(rs.getBoolean("approval_payment_pending"), rs.getString("approver"),
                Rows.instant(rs, "approval_decided_at_micros"), state.equals("APPROVED"));
    }

    private static AccountLink accountLink(ResultSet rs, StatementContext ctx) throws SQLException {
        return new AccountLink(
            rs.getString("reference"),
            rs.getString("account_id"),
            rs.getString("detail"),
            Rows.instant(rs, "created_at_micros"));
    }

    private static BalanceRecord balance(ResultSet rs, StatementContext ctx) throws SQLException {
        return new BalanceRecord(
            rs.getString("account_id"),
            rs.getString("credit_type"),
            rs.getLong("balance"),
            rs.getLong("held"));
    }

    private static Lot lot(ResultSet rs, StatementContext ctx) throws SQLException {
        return Lot.builder(
                    rs.getString("lot_id"),
                    rs.getString("account_id"),
                    rs.getString("credit_type"),
                    LotSource.valueOf(rs.getString("source")))
            .priority(rs.getInt("priority"))
            .amounts(rs.getLong("amount"), rs.getLong("remaining"), rs.getLong("held"))
            .expiresAt(Rows.instant(rs, "expires_at_micros"))
            .moneyPaid(Rows.money(rs))
            .metadata(Rows.metadata(rs))
            .granted(Rows.instant(rs, "granted_at_micros"), rs.getString("transaction_id"))
            .purchaseId(rs.getString("purchase_id"))
            .allowance(Rows.allowance(rs))
            .build();
    }

    private static EntryRow entryRow(ResultSet rs, StatementContext ctx) throws SQLException {
        String lotId = rs.getString("lot_id");
        return new EntryRow(entry(rs, ctx), lotId == null ? null
                : new Allocation(rs.getString("transaction_id"), 0, lotId, rs.getLong("lot_amount")));
    }

    /** Reads an entry (without its receipt line): the mapper of every query of entries. */
    static LedgerEntry entry(ResultSet rs, StatementContext ctx) throws SQLException {
        return LedgerEntry.builder(
                    rs.getString("transaction_id"),
                    EntryType.valueOf(rs.getString("entry_type")),
                    rs.getString("credit_type"),
                    rs.getLong("amount"))
            .posted(rs.getString("account_id"), rs.getLong("sequence_no"), rs.getLong("balance_after"))
            .feature(rs.getString("feature_key"), rs.getLong("quantity"), rs.getLong("unit_price"))
            .pricePlanId(rs.getString("price_plan_id"))
            .retryNumber(rs.getInt("retry_number"))
            .userId(rs.getString("user_id"))
            .holdId(rs.getString("hold_id"))
            .referenceId(rs.getString("reference_id"))
            .purchaseId(rs.getString("purchase_id"))
            .reason(rs.getString("reason"))
            .idempotencyKey(rs.getString("idempotency_key"))
            .metadata(Rows.metadata(rs))
            .createdAt(Rows.instant(rs, "created_at_micros"))
            .actor(Rows.actor(rs, "actor"))
            .build();
    }

    private static Allocation allocation(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Allocation(
            rs.getString("owner_id"),
            rs.getInt("line_no"),
            rs.getString("lot_id"),
            rs.getLong("amount"));
    }

    private static Hold hold(ResultSet rs, StatementContext ctx) throws SQLException {
        return Hold.builder(
                    HoldKind.valueOf(rs.getString("kind")),
                    rs.getString("hold_id"),
                    rs.getString("account_id"),
                    rs.getString("credit_type"),
                    rs.getString("purchase_id"))
            .feature(rs.getString("feature_key"), rs.getLong("quantity"), rs.getLong("unit_price"),
                    rs.getString("price_plan_id"))
            .amount(rs.getLong("amount"))
            .status(HoldStatus.valueOf(rs.getString("status")))
            .userId(rs.getString("user_id"))
            .idempotencyKey(rs.getString("idempotency_key"))
            .metadata(Rows.metadata(rs))
            .createdAt(Rows.instant(rs, "created_at_micros"))
            .expiresAt(Rows.instant(rs, "expires_at_micros"))
            .resolution(Rows.instant(rs, "resolved_at_micros"), rs.getLong("committed_credits"),
                    rs.getString("transaction_id"))
            .retry(rs.getString("retry_of"), rs.getInt("retry_number"))
            .changedAtSequence(rs.getLong("changed_at_sequence"))
            .build();
    }

    private static IdempotencyRecord idempotency(ResultSet rs, StatementContext ctx) throws SQLException {
        return new IdempotencyRecord(
            rs.getString("account_id"),
            rs.getString("idempotency_key"),
            rs.getString("fingerprint"),
            rs.getString("result"),
            Rows.instant(rs, "created_at_micros"));
    }

    private static FeaturePricing feature(ResultSet rs, StatementContext ctx) throws SQLException {
        return new FeaturePricing(
            rs.getString("feature_key"),
            rs.getString("feature_name"),
            rs.getString("category"),
            rs.getLong("credits_per_unit"),
            Rows.longs(rs, "plan_prices"),
            rs.getInt("free_retries"),
            rs.getString("credit_type"),
            rs.getString("description"),
            rs.getBoolean("active"),
            Rows.instant(rs, "created_at_micros"),
            Rows.instant(rs, "updated_at_micros"));
    }

    private static CreditPackage creditPackage(ResultSet rs, StatementContext ctx) throws SQLException {
        return new CreditPackage(
            rs.getString("package_id"),
            rs.getString("name"),
            rs.getLong("credits"),
            Rows.money(rs, "price"),
            rs.getString("credit_type"),
            Rows.period(rs, "validity"),
            rs.getBoolean("active"));
    }

    private static Plan plan(ResultSet rs, StatementContext ctx) throws SQLException {
        return Rows.withPlanRules(new Plan(
            rs.getString("plan_id"),
            rs.getString("name"),
            Rows.money(rs, "monthly_price"),
            Rows.longs(rs, "allowances"),
            rs.getLong("rollover_cap"),
            rs.getBoolean("can_buy_credits"),
            rs.getBoolean("active")), rs.getString("plan_rules"));
    }

    private static Promotion promotion(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Promotion(
            rs.getString("code"),
            rs.getString("description"),
            Rows.decimal(rs, "percent_off", "percent_off_scale"),
            Rows.money(rs, "amount_off"),
            rs.getLong("bonus_credits"),
            Rows.instant(rs, "valid_from_at_micros"),
            Rows.instant(rs, "valid_until_at_micros"),
            Rows.set(rs, "package_ids"),
            rs.getLong("max_uses"),
            rs.getLong("max_uses_per_account"),
            rs.getBoolean("active"),
            rs.getLong("uses"),
            Rows.set(rs, "plan_ids"));
    }

    private static Purchase purchase(ResultSet rs, StatementContext ctx) throws SQLException {
        return Purchase.builder(
                    rs.getString("purchase_id"),
                    rs.getString("account_id"),
                    rs.getString("credit_type"))
            .packageId(rs.getString("package_id"))
            .credits(rs.getLong("credits"), rs.getLong("bonus_credits"))
            .prices(Rows.money(rs, "list_price"), Rows.money(rs, "price"))
            .promotionCode(rs.getString("promotion_code"))
            .paymentReference(rs.getString("payment_reference"))
            .validity(Rows.period(rs, "validity"))
            .status(PurchaseStatus.valueOf(rs.getString("status")))
            .grant(rs.getString("lot_id"), rs.getString("transaction_id"))
            .metadata(Rows.metadata(rs))
            .idempotencyKey(rs.getString("idempotency_key"))
            .createdAt(Rows.instant(rs, "created_at_micros"))
            .resolution(Rows.instant(rs, "resolved_at_micros"), rs.getString("failure_reason"))
            .reversal(rs.getLong("refunded_credits"), rs.getLong("disputed_credits"),
                    DisputeStatus.valueOf(rs.getString("dispute_status")), rs.getLong("frozen_credits"),
                    rs.getLong("clawed_back"))
            .approval(approval(rs))
            .build();
    }

    private static EventRecord event(ResultSet rs, StatementContext ctx) throws SQLException {
        return new EventRecord(rs.getLong("event_position"), rs.getString("event_id"), rs.getString("account_id"),
                rs.getLong("account_sequence"), rs.getInt("event_index"), rs.getString("event_type"),
                rs.getString("credit_type"), rs.getString("payload"), Rows.instant(rs, "occurred_at_micros"));
    }

    private static ConsumerRecord consumer(ResultSet rs, StatementContext ctx) throws SQLException {
        return new ConsumerRecord(rs.getString("consumer_name"), rs.getLong("cursor_position"),
                rs.getString("lease_owner"), Rows.instant(rs, "lease_until_micros"), Rows.instant(rs, "created_at_micros"));
    }

    private static AlertState alertState(ResultSet rs, StatementContext ctx) throws SQLException {
        return new AlertState(rs.getString("account_id"), rs.getString("credit_type"), rs.getBoolean("is_low"),
                Rows.instant(rs, "changed_at_micros"));
    }

    private static AuditRecord auditRecord(ResultSet rs, StatementContext ctx) throws SQLException {
        return new AuditRecord(
            rs.getLong("audit_no"),
            rs.getString("account_id"),
            rs.getLong("sequence_no"),
            AuditAction.valueOf(rs.getString("action")),
            rs.getString("subject"),
            Rows.actor(rs, "actor"),
            Rows.stringMap(rs, "before_fields"),
            Rows.stringMap(rs, "after_fields"),
            Rows.instant(rs, "created_at_micros"));
    }

    private static ChargeDispute chargeDispute(ResultSet rs, StatementContext ctx) throws SQLException {
        return new ChargeDispute(
            rs.getString("dispute_id"),
            rs.getString("account_id"),
            rs.getString("transaction_id"),
            rs.getString("credit_type"),
            rs.getString("reason"),
            rs.getString("description"),
            rs.getLong("credits_requested"),
            ChargeDisputeStatus.valueOf(rs.getString("status")),
            Rows.actor(rs, "submitted_by"),
            Rows.instant(rs, "submitted_at_micros"),
            Rows.actor(rs, "reviewed_by"),
            Rows.instant(rs, "reviewed_at_micros"),
            Rows.actor(rs, "resolved_by"),
            Rows.instant(rs, "resolved_at_micros"),
            rs.getLong("credits_refunded"),
            rs.getString("resolution_note"),
            rs.getString("refund_id"),
            rs.getLong("changed_at_sequence"));
    }

    private static ExpiryNotice expiryNotice(ResultSet rs, StatementContext ctx) throws SQLException {
        return new ExpiryNotice(rs.getString("account_id"), rs.getString("lot_id"), Rows.instant(rs, "noticed_at_micros"));
    }

    /** A usage row, or a sum of rows: a column the sum did not keep apart is NULL. */
    static UsageRecord usageRecord(ResultSet rs, StatementContext ctx) throws SQLException {
        String source = rs.getString("lot_source");
        UsageKey key = new UsageKey(rs.getString("credit_type"), UsageKind.valueOf(rs.getString("usage_kind")),
                source == null ? null : LotSource.valueOf(source), rs.getString("feature_key"), rs.getString("user_id"),
                Rows.stringMap(rs, "dimensions"), rs.getString("currency"));
        java.math.BigDecimal money = rs.getBigDecimal("money_amount");
        UsageTotals totals = new UsageTotals(rs.getLong("credits"), rs.getLong("charged"), rs.getLong("refunded"),
                rs.getLong("quantity"), rs.getLong("deductions"), rs.getLong("free_retries"), rs.getLong("entry_count"),
                money == null ? java.math.BigDecimal.ZERO : money);
        return new UsageRecord(rs.getString("account_id"), Rows.instant(rs, "bucket_start_micros"), key, totals);
    }
}
