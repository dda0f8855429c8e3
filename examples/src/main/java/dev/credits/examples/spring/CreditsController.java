package dev.credits.examples.spring;

import dev.credits.Balance;
import dev.credits.CreditLedger;
import dev.credits.DeductRequest;
import dev.credits.DeductionResult;
import dev.credits.FeaturePricing;
import dev.credits.HistoryFilter;
import dev.credits.HistoryPage;
import dev.credits.PageRequest;
import dev.credits.jdbc.spring.CreditsProblems;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/** The host's endpoints: the price list, a deduction answering 402 when short, the balance and the history. */
@RestController
public class CreditsController {
    private final CreditLedger ledger;

    public CreditsController(CreditLedger ledger) {
        this.ledger = ledger;
    }

    @GetMapping("/pricing")
    public List<FeaturePricing> pricing() {
        return ledger.listFeaturePricing();
    }

    /** Body: {@code {"featureKey": "...", "quantity": 1, "idempotencyKey": "job-42"}}; a replay says so. */
    // tag::deduct[]
    @PostMapping("/accounts/{accountId}/deductions")
    public ResponseEntity<?> deduct(@PathVariable("accountId") String accountId, @RequestBody DeductRequest body) {
        DeductionResult result = ledger.deductCredits(new DeductRequest(accountId, body.featureKey(),
                body.quantity(), body.userId(), body.metadata(), body.idempotencyKey(), body.retryOf()));
        return result.success() ? ResponseEntity.ok(result) : CreditsProblems.response(result);  // 402 when short
    }
    // end::deduct[]

    @GetMapping("/accounts/{accountId}/balance")
    public Balance balance(@PathVariable("accountId") String accountId) {
        return ledger.balance(accountId);
    }

    @GetMapping("/accounts/{accountId}/history")
    public HistoryPage history(@PathVariable("accountId") String accountId, @RequestParam(name = "cursor", required = false) String cursor,
                               @RequestParam(name = "limit", defaultValue = "50") int limit) {
        // The first page has no cursor; a blank one (?cursor=) is the first page too.
        PageRequest page = cursor == null || cursor.isBlank() ? PageRequest.first(limit) : new PageRequest(cursor, limit);
        return ledger.history(accountId, HistoryFilter.all(), page);
    }
}
