package dev.credits.examples;

import dev.credits.CreditLedger;
import dev.credits.LedgerCall;
import dev.credits.spi.CreditStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The README's observer snippet, compiled (ReadmeTest keeps the README identical to it). */
final class ReadmeObserver {
    private static final Logger log = LoggerFactory.getLogger(ReadmeObserver.class);

    private ReadmeObserver() {
    }

    static CreditLedger observed(CreditStore store) {
        // tag::observer[]
        CreditLedger ledger = CreditLedger.builder()
                .store(store)
                .observer(call -> {
                    if (call.outcome() == LedgerCall.Outcome.REJECTED) {
                        log.info("{} on {} rejected: {}", call.name(), call.accountId(), call.rejection());
                    }
                })
                .build();
        // end::observer[]
        return ledger;
    }
}
