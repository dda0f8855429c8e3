package dev.credits.internal;

import dev.credits.Account;
import dev.credits.Actor;
import dev.credits.AuditAction;
import dev.credits.BurnDownOrder;
import dev.credits.IdempotencyConflictException;
import dev.credits.InvalidArgumentException;
import dev.credits.Lot;
import dev.credits.Purchase;
import dev.credits.TransactionConflictException;
import dev.credits.UnknownAccountException;
import dev.credits.UnknownPurchaseException;
import dev.credits.spi.CatalogChange;
import dev.credits.spi.AccountTransaction;
import dev.credits.spi.CreditStore;
import dev.credits.spi.IdempotencyRecord;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * How a rule runs against one account: a mutating unit of work or a read on a fresh {@link AccountSession}, the
 * ledger's "now", and idempotent replay. Every rule class goes through it; it calls no rule (calls go one way:
 * API -> rule -> unit of work -> store). Stateless apart from its configuration; thread-safe.
 */
public final class UnitOfWork {
    private final CreditStore store;
    private final DueHolds dueHolds;
    private final Clock clock;
    private final BurnDownOrder order;
    private final EventSettings events;
    /** Who this ledger's changes are made by, or null. */
    private final Actor actor;
    private final UsageAggregates usage;
    /** Combines concurrent calls on one account into one unit of work; null when switched off. */
    private final Combiner combiner;

    /**
     * @param actor            who this ledger's changes are made by, or null
     * @param usage            how entries add to the usage rows of reports (the declared dimensions)
     * @param maxCombinedCalls the most calls run in one unit of work (1: no combining)
     * @param maxUnitsInFlight the most units of work in flight before calls on other roots wait and combine
     */
    public UnitOfWork(CreditStore store, Clock clock, BurnDownOrder order, EventSettings events, Actor actor,
                      UsageAggregates usage, int maxCombinedCalls, int maxUnitsInFlight) {
        this.store = store;
        this.clock = clock;
        // Built once: every session asks for it (implementations are stateless, so one comparator serves all).
        Comparator<Lot> lotOrder = order.comparator();
        this.order = () -> lotOrder;
        this.events = events;
        this.actor = actor;
        this.usage = usage;
        this.combiner = maxCombinedCalls > 1 ? new Combiner(store, this::now, maxCombinedCalls, maxUnitsInFlight)
                : null;
        this.dueHolds = new DueHolds(this, store);
    }

    /** A view of {@code other} whose changes are made by {@code actor}: the same store, settings and combining. */
    private UnitOfWork(UnitOfWork other, Actor actor) {
        this.store = other.store;
        this.clock = other.clock;
        this.order = other.order;
        this.events = other.events;
        this.usage = other.usage;
        this.combiner = other.combiner;
        this.actor = actor;
        this.dueHolds = new DueHolds(this, store);
    }

    /** @return what times out the due holds of a pool's members (see {@link DueHolds}) */
    DueHolds dueHolds() {
        return dueHolds;
    }

    /** @return this unit of work with its changes made by {@code actor} (concurrent calls of both still combine) */
    public UnitOfWork actingAs(Actor actor) {
        return new UnitOfWork(this, actor);
    }

    /** @return who this ledger's changes are made by, or null when it was not said */
    public Actor actor() {
        return actor;
    }

    UsageAggregates usage() {
        return usage;
    }

    EventSettings events() {
        return events;
    }

    public Clock clock() {
        return clock;
    }

    BurnDownOrder order() {
        return order;
    }

    /**
     * Now, to the millisecond: every store keeps instants exactly at that precision, so what a result shows
     * and what a later read returns are equal.
     *
     * @throws InvalidArgumentException if the clock reads outside the storable range
     */
    Instant now() {
        return Checks.instant("clock", clock.instant());
    }

    /** Runs a mutating unit of work on a fresh session; the store may run it more than once. */
    <T> T mutate(String accountId, Function<AccountSession, T> work) {
        return mutate(accountId, null, null, work);
    }

    /**
     * As {@link #mutate(String, Function)}, reading the feature and the key's record with the snapshot. The one way
     * into a unit of work on one account: an account that is a member of a pool runs with its pools locked too (root
     * first; see {@link #mutateAll}), so its spends can draw on them and count against their caps. An account
     * without a pool costs nothing extra: its pool is seen in the snapshot, and only then is the unit run again
     * over the chain. With combining on, concurrent calls run together ({@link Combiner}): a member's with its
     * organization's.
     */
    <T> T mutate(String accountId, String featureKey, String idempotencyKey, Function<AccountSession, T> work) {
        if (combiner == null) {
            if (!chainHints.containsKey(accountId)) {
                try {
                    return store.inAccount(accountId,
                            tx -> alone(open(tx, now(), featureKey, idempotencyKey), work));
                } catch (ChainChanged member) {
                    // A member: run again below with its pools locked first.
                }
            }
            return mutateAll(List.of(accountId), featureKey, idempotencyKey, sessions -> work.apply(sessions.get(0)));
        }
        List<String> named = List.of(accountId);
        for (int attempt = 1; ; attempt++) {
            // An account in no pool has no hint: it is its own chain, and finds out under its lock if it is not. Where
            // a batch locks several organizations in one canonical order (root first), an account this ledger has not
            // met is looked up first: a member taken for a root would be locked before its pool.
            List<String> chain = attempt == 1 && (chainHints.containsKey(accountId)
                    || knownRoots.containsKey(accountId) || !combiner.combinesAcrossAccounts())
                    ? chainHints.getOrDefault(accountId, named) : learnChain(accountId);
            Map<String, String> parents = new HashMap<>();
            for (int i = 0; i < chain.size(); i++) {
                parents.put(chain.get(i), i == 0 ? null : chain.get(i - 1));
            }
            try {
                return combiner.run(chain, featureKey, idempotencyKey, (txs, now) -> runLocked(txs, chain, parents,
                        named, now, featureKey, idempotencyKey, sessions -> work.apply(sessions.get(0))));
            } catch (ChainChanged changed) {
                chainHints.remove(accountId);
                knownRoots.remove(accountId);
                if (attempt >= MAX_CHAIN_ATTEMPTS) {
                    throw chainsKeptChanging(named);
                }
            }
        }
    }

    // ------------------------------------------------------------ organizations: units over several accounts

    /** How many levels an organization may have (organization -> department -> team -> user). */
    static final int MAX_DEPTH = 4;
    private static final int MAX_CHAIN_ATTEMPTS = 10;

    /** Members' chains seen before (a hint only: every unit checks its chain under the locks). */
    private final Map<String, List<String>> chainHints = new ConcurrentHashMap<>();
    /** Accounts seen in no pool (a hint only, like {@link #chainHints}). */
    private final Map<String, Boolean> knownRoots = new ConcurrentHashMap<>();

    private AccountSession open(AccountTransaction tx, Instant now, String featureKey, String idempotencyKey) {
        return new AccountSession(tx, now, order, featureKey, idempotencyKey, events, usage).actingAs(actor);
    }

    /** Runs the work of an account without pools; a member's throws {@link ChainChanged} (nothing written). */
    private static <T> T alone(AccountSession session, Function<AccountSession, T> work) {
        if (session.account().parentId() != null) {
            throw new ChainChanged();
        }
        return work.apply(session);
    }

    /** @return the account's chain read anew (see {@link #readChain}), remembered as a hint */
    private List<String> learnChain(String accountId) {
        List<String> chain = readChain(accountId);
        if (chain.size() > 1) {
            if (chainHints.size() > 100_000) {
                chainHints.clear();
            }
            chainHints.put(accountId, chain);
            knownRoots.remove(accountId);
        } else {
            if (knownRoots.size() > 100_000) {
                knownRoots.clear();
            }
            knownRoots.put(accountId, Boolean.TRUE);
        }
        return chain;
    }

    private static TransactionConflictException chainsKeptChanging(List<String> accountIds) {
        return new TransactionConflictException("the pools of " + accountIds + " kept changing during the call;"
                + " nothing was changed", null);
    }

    /**
     * Runs one unit of work over {@code accountIds} and every pool above them, all locked in one canonical order
     * (by depth below the root, then by id: root first, so units never wait for each other in a cycle). The work
     * gets the named accounts' sessions, in the order named; each session knows its pools' sessions
     * ({@link AccountSession#pools()}). Its changes and those of every other session are written together when any
     * session wrote (settling a pool's time alone writes nothing).
     *
     * @param featureKey     the feature to read with the first named account's snapshot, or null
     * @param idempotencyKey the record to read with the first named account's snapshot, or null
     */
    <T> T mutateAll(List<String> accountIds, String featureKey, String idempotencyKey,
                    Function<List<AccountSession>, T> work) {
        for (int attempt = 1; ; attempt++) {
            Map<String, String> parents = new HashMap<>();
            Map<String, Integer> depths = new HashMap<>();
            for (String accountId : accountIds) {
                List<String> hint = attempt == 1 ? chainHints.get(accountId) : null;
                List<String> chain = hint != null ? hint : learnChain(accountId);
                for (int i = 0; i < chain.size(); i++) {
                    parents.put(chain.get(i), i == 0 ? null : chain.get(i - 1));
                    depths.put(chain.get(i), i);
                }
            }
            List<String> lockOrder = new ArrayList<>(depths.keySet());
            lockOrder.sort(Comparator.<String>comparingInt(depths::get).thenComparing(Comparator.naturalOrder()));
            try {
                return store.inAccounts(lockOrder, txs -> {
                    Map<String, AccountTransaction> byAccount = new HashMap<>();
                    for (int i = 0; i < lockOrder.size(); i++) {
                        byAccount.put(lockOrder.get(i), txs.get(i));
                    }
                    return runLocked(byAccount, lockOrder, parents, accountIds, now(), featureKey, idempotencyKey,
                            work);
                });
            } catch (ChainChanged changed) {
                accountIds.forEach(chainHints::remove);
                if (attempt >= MAX_CHAIN_ATTEMPTS) {
                    throw chainsKeptChanging(accountIds);
                }
            }
        }
    }

    /**
     * The body of a unit of work over locked accounts: opens each one's session (in lock order), checks that each
     * still has the pool it was locked under ({@link ChainChanged} if not), joins the pools, settles the pools no
     * call names, runs the work on the named sessions, and writes every session when any wrote.
     *
     * @param transactions the accounts' transactions, by id
     * @param lockOrder    the accounts in lock order
     * @param parents      each account's pool as locked (null for a root)
     */
    private <T> T runLocked(Map<String, AccountTransaction> transactions, List<String> lockOrder,
                            Map<String, String> parents, List<String> accountIds, Instant now, String featureKey,
                            String idempotencyKey, Function<List<AccountSession>, T> work) {
        Map<String, AccountSession> sessions = new HashMap<>();
        String first = accountIds.get(0);
        for (String id : lockOrder) {
            AccountSession session = id.equals(first) ? open(transactions.get(id), now, featureKey, idempotencyKey)
                    : open(transactions.get(id), now, null, null);
            if (!Objects.equals(session.account().parentId(), parents.get(id))) {
                throw new ChainChanged();
            }
            sessions.put(id, session);
        }
        if (lockOrder.size() == 1) {
            return work.apply(List.of(sessions.get(first)));
        }
        for (String id : lockOrder) {
            List<AccountSession> pools = new ArrayList<>();
            for (String parent = parents.get(id); parent != null; parent = parents.get(parent)) {
                pools.add(sessions.get(parent));
            }
            sessions.get(id).joinPools(pools);
            if (!accountIds.contains(id)) {
                sessions.get(id).settle();
            }
        }
        List<AccountSession> named = new ArrayList<>();
        for (String id : accountIds) {
            named.add(sessions.get(id));
        }
        T result = work.apply(named);
        if (sessions.values().stream().anyMatch(AccountSession::wrote)) {
            for (String id : lockOrder) {
                if (!sessions.get(id).wrote()) {
                    sessions.get(id).write();
                }
            }
        }
        return result;
    }

    /**
     * @return the account's chain of pools, root first, ending with the account (read without locks)
     * @throws UnknownAccountException  if the account does not exist
     * @throws InvalidArgumentException if the chain is deeper than {@link #MAX_DEPTH} (or loops)
     */
    List<String> readChain(String accountId) {
        List<String> chain = new ArrayList<>();
        String id = accountId;
        while (id != null) {
            if (chain.contains(id) || chain.size() >= MAX_DEPTH) {
                throw new InvalidArgumentException("accountId", "the pools of '" + accountId
                        + "' are nested deeper than " + MAX_DEPTH + " levels");
            }
            chain.add(0, id);
            String current = id;
            id = store.findAccount(current).orElseThrow(() -> new UnknownAccountException(current)).parentId();
        }
        return chain;
    }

    /**
     * Runs a mutating unit of work on the account that owns the purchase, with the purchase as stored under the
     * account's lock.
     *
     * @throws UnknownPurchaseException if there is no such purchase
     */
    <T> T mutatePurchase(String purchaseId, BiFunction<AccountSession, Purchase, T> work) {
        String accountId = store.findAccountOfPurchase(purchaseId)
                .orElseThrow(() -> new UnknownPurchaseException(purchaseId));
        return mutate(accountId, session -> work.apply(session, session.tx().findPurchase(purchaseId)
                .orElseThrow(() -> new UnknownPurchaseException(purchaseId))));
    }

    /**
     * Runs a read: settles time in memory (expired lots and timed-out holds count as gone) but writes nothing,
     * so reads never change the ledger. Their sequence is the account's last written one.
     */
    <T> T read(String accountId, String featureKey, Function<AccountSession, T> work) {
        return store.readAccount(accountId, tx -> {
            AccountSession session = new AccountSession(tx, now(), order, featureKey, null, events, usage);
            session.settle();
            return work.apply(session);
        });
    }

    /**
     * As {@link #read}, for a check of what an account can spend: a member's session also knows what its pools can
     * lend ({@link AccountSession#spendable}), read from each pool just before (root first, one at a time, never
     * while holding the member: a check is a snapshot of each, not of all at once).
     */
    <T> T readSpendable(String accountId, String featureKey, Function<AccountSession, T> work) {
        Map<String, Long> lent = null;
        for (int attempt = 1; ; attempt++) {
            Map<String, Long> lending = lent;
            try {
                return store.readAccount(accountId, tx -> {
                    AccountSession session = new AccountSession(tx, now(), order, featureKey, null, events, usage);
                    if (lending == null && session.account().parentId() != null) {
                        throw new ChainChanged();
                    }
                    session.settle();
                    session.lentByPools(lending == null ? Map.of() : lending);
                    return work.apply(session);
                });
            } catch (ChainChanged member) {
                if (attempt >= MAX_CHAIN_ATTEMPTS) {
                    throw new TransactionConflictException("the pools of '" + accountId + "' kept changing during the"
                            + " call", null);
                }
                List<String> chain = readChain(accountId);
                Map<String, Long> sum = new HashMap<>();
                for (String pool : chain.subList(0, chain.size() - 1)) {
                    store.readAccount(pool, tx -> {
                        AccountSession session = new AccountSession(tx, now(), order, null, null, events, usage);
                        session.settle();
                        for (String type : session.creditTypes()) {
                            sum.merge(type, Math.max(0, session.available(type)), Math::addExact);
                        }
                        return null;
                    });
                }
                lent = sum;
            }
        }
    }

    /**
     * @return the stored result when this key was used before with the same request
     * @throws IdempotencyConflictException when it was used with a different one
     */
    static <T> Optional<T> replay(AccountSession session, String key, Map<String, String> fingerprint,
                                  Function<Map<String, String>, T> decoder) {
        if (key == null) {
            return Optional.empty();
        }
        Optional<IdempotencyRecord> stored = session.storedIdempotency();
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        if (!stored.get().fingerprint().equals(Codec.encode(fingerprint))) {
            throw new IdempotencyConflictException(session.accountId(), key);
        }
        return Optional.of(decoder.apply(Codec.decode(stored.get().result())));
    }

    /**
     * Writes a catalog change with its audit record (actor: this ledger's), atomically.
     *
     * @return false when the change found its precondition broken (nothing written)
     */
    <T extends Record> boolean writeCatalog(CatalogChange<T> change, AuditAction action, T before, T after) {
        try {
            return store.catalog().write(change, AuditTrail.record(null, action, change.key(), actor,
                    AuditTrail.fields(before), AuditTrail.fields(after), now()));
        } finally {
            Combiner.catalogWritten();   // late calls of batches in flight read prices again
        }
    }

    /** Records a changed account row and writes the session: @return the account as written */
    static Account changeAccount(AccountSession session, Account changed) {
        session.changeAccount(changed);
        return changed.withSequence(session.write());
    }
}
