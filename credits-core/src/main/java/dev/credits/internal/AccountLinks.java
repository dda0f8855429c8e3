package dev.credits.internal;

import dev.credits.AccountLink;
import dev.credits.UnknownAccountException;
import dev.credits.spi.CreditStore;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/** The rules of {@link AccountLink}s: checked arguments, an existing account, written once. Thread-safe. */
public final class AccountLinks {

    private final CreditStore store;
    private final Clock clock;

    public AccountLinks(CreditStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public AccountLink link(String reference, String accountId, String detail) {
        Checks.linkReference("reference", reference);
        Checks.id("accountId", accountId);
        if (detail != null) {
            Checks.linkReference("detail", detail);
        }
        Optional<AccountLink> existing = store.findAccountLink(reference);
        if (existing.isPresent()) {
            return existing.get();
        }
        if (store.findAccount(accountId).isEmpty()) {
            throw new UnknownAccountException(accountId);
        }
        // Millisecond precision, like every instant the ledger writes: what is returned is what a read returns.
        return store.insertAccountLinkIfAbsent(new AccountLink(reference, accountId, detail,
                clock.instant().truncatedTo(ChronoUnit.MILLIS)));
    }

    public Optional<AccountLink> find(String reference) {
        return store.findAccountLink(Checks.linkReference("reference", reference));
    }
}
