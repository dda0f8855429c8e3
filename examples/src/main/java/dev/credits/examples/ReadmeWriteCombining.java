package dev.credits.examples;

import dev.credits.CreditLedger;
import dev.credits.spi.CreditStore;

/** The README's write-combining snippet, compiled (ReadmeTest keeps the README identical to it). */
final class ReadmeWriteCombining {

    private ReadmeWriteCombining() {
    }

    static CreditLedger[] ledgers(CreditStore store) {
        // tag::write-combining[]
        CreditLedger ledger = CreditLedger.builder()
                .store(store)
                .maxCombinedCalls(64)      // the default: at most 64 calls share one transaction
                .maxUnitsInFlight(16)      // transactions at once before other accounts' calls wait and share commits
                .build();                  // write-combining is on by default
        CreditLedger oneByOne = CreditLedger.builder()
                .store(store)
                .writeCombining(false)     // each call its own transaction
                .build();
        // end::write-combining[]
        return new CreditLedger[]{ledger, oneByOne};
    }
}
