package dev.credits.internal;

import dev.credits.Account;
import dev.credits.AccountSettings;
import dev.credits.AccountStatus;
import dev.credits.AuditAction;
import dev.credits.InvalidArgumentException;
import dev.credits.spi.CreditStore;

import java.time.Instant;
import java.util.Optional;

/**
 * The rules of accounts: opening, settings, pausing. Stateless apart from its collaborators; thread-safe.
 */
public final class Accounts {
    private final UnitOfWork uow;
    private final CreditStore store;

    public Accounts(UnitOfWork uow, CreditStore store) {
        this.uow = uow;
        this.store = store;
    }

    public Account openAccount(String accountId, AccountSettings settings) {
        Checks.id("accountId", accountId);
        checkSettings(settings);
        Instant now = uow.now();
        Account opened = Account.open(accountId, settings, now);
        Account stored = store.insertAccountIfAbsent(opened);
        if (stored != opened) {
            return stored; // it existed: the store returns the given instance only when it inserted it
        }
        // Its own unit of work right after the insert (opening is not one): a crash between the two leaves an account
        // without its ACCOUNT_OPENED record, never a record without an account.
        uow.mutate(accountId, session -> {
            session.audit(AuditAction.ACCOUNT_OPENED, accountId, null, AuditTrail.fields(settings));
            return session.write();
        });
        return stored;
    }

    public Optional<Account> getAccount(String accountId) {
        return store.findAccount(Checks.id("accountId", accountId));
    }

    public Account updateAccountSettings(String accountId, AccountSettings settings) {
        Checks.id("accountId", accountId);
        checkSettings(settings);
        return uow.mutate(accountId, session -> {
            Account current = session.account();
            if (current.settings().equals(settings)) {
                return current;
            }
            session.settle();
            for (String type : session.creditTypes()) {
                long inUse = -session.available(type);
                if (inUse > settings.overdraftLimit()) {
                    // Invariant 2 holds for the limit as it stands: never below what is already spent on credit.
                    throw new InvalidArgumentException("overdraftLimit", settings.overdraftLimit()
                            + " is below the " + inUse + " " + type + " already used on overdraft; grant first");
                }
            }
            return UnitOfWork.changeAccount(session, current.withSettings(settings, session.now()));
        });
    }

    public Account setStatus(String accountId, AccountStatus status) {
        Checks.id("accountId", accountId);
        return uow.mutate(accountId, session -> {
            Account current = session.account();
            if (current.status() == status) {
                return current;
            }
            return UnitOfWork.changeAccount(session, current.withStatus(status, session.now()));
        });
    }

    private static void checkSettings(AccountSettings settings) {
        Checks.required("settings", settings);
        Checks.notNegative("overdraftLimit", settings.overdraftLimit());
        Checks.notNegative("lowBalanceThreshold", settings.lowBalanceThreshold());
        Checks.notNegative("maxOpenHolds", settings.maxOpenHolds());
    }
}
