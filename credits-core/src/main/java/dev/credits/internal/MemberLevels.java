package dev.credits.internal;

import dev.credits.CreditLedger;
import dev.credits.PageRequest;
import dev.credits.spi.AccountFilter;
import dev.credits.spi.ReportStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The members of an organization read one level at a time: one query (a page at a time) per level of the
 * organization, not one per pool. Stateless.
 */
final class MemberLevels {

    private MemberLevels() {
    }

    /** @return the accounts whose pool is one of {@code pools}, with their balances, by id */
    static List<ReportStore.AccountBalances> below(ReportStore reports, Set<String> pools) {
        List<ReportStore.AccountBalances> members = new ArrayList<>();
        String after = null;
        while (true) {
            List<ReportStore.AccountBalances> page = reports.listAccounts(new AccountFilter(null, null, pools,
                    CreditLedger.DEFAULT_CREDIT_TYPE, null, null, false, 0, after, PageRequest.MAX_LIMIT));
            members.addAll(page);
            if (page.size() < PageRequest.MAX_LIMIT) {
                return members;
            }
            after = page.get(page.size() - 1).account().accountId();
        }
    }

    /** @return the ids of {@code members}, sorted */
    static Set<String> ids(List<ReportStore.AccountBalances> members) {
        Set<String> ids = new TreeSet<>();
        members.forEach(member -> ids.add(member.account().accountId()));
        return ids;
    }
}
