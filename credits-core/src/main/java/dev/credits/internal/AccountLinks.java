package dev.credits.internal;

import dev.credits.AccountLink;
import dev.credits.UnknownAccountException;
import dev.credits.spi.CreditStore;

import java.util.Optional;

/** The rules of {@link AccountLink}s: checked arguments, an existing account, written once. Thread-safe. */
public final class AccountLinks {

    private final UnitOfWork uow;
    private final CreditStore store;

    public AccountLinks(UnitOfWork uow, CreditStore store) {
        this.uow = uow;
        this.store = store;
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
        return store.insertAccountLinkIfAbsent(new AccountLink(reference, accountId, detail, uow.now()));
    }

    public Optional<AccountLink> find(String reference) {
        return store.findAccountLink(Checks.linkReference("reference", reference));
    }
}
