package dev.credits.internal;

import dev.credits.DeductionResult;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A deduction's stored result is kept text (replays decode it): the hand-written encoding must be the generic one. */
class StoredDeductionTest {

    @Test
    void aDeductionIsStoredAsItsFieldsAreEncoded() {
        String[] texts = {null, "", "org_42", "a b&c=d", "é€😀", "0b1c9a3e-5f7d-4e2b-9c8a-1d2e3f4a5b6c"};
        for (String account : new String[] {"acct", "a&b"}) {
            for (String feature : texts) {
                for (String plan : texts) {
                    for (String transaction : texts) {
                        DeductionResult result = new DeductionResult(true, null, account, feature, transaction, 3,
                                -7, Long.MAX_VALUE, Long.MIN_VALUE, 0, 42, 1_000_001, plan, 2, false);
                        assertEquals(Codec.encode(fields(result)), Spending.encodeDeduction(result));
                    }
                }
            }
        }
    }

    /** The fields of a deduction's stored result, by name (null: absent), as a replay decodes them. */
    private static Map<String, String> fields(DeductionResult r) {
        Map<String, String> fields = new HashMap<>();
        fields.put("featureKey", r.featureKey());
        fields.put("transactionId", r.transactionId());
        fields.put("quantity", Long.toString(r.quantity()));
        fields.put("unitPrice", Long.toString(r.unitPrice()));
        fields.put("creditsDeducted", Long.toString(r.creditsDeducted()));
        fields.put("remainingCredits", Long.toString(r.remainingCredits()));
        fields.put("required", Long.toString(r.required()));
        fields.put("available", Long.toString(r.available()));
        fields.put("sequence", Long.toString(r.sequence()));
        fields.put("accountId", r.accountId());
        fields.put("pricePlanId", r.pricePlanId());
        fields.put("retryNumber", Integer.toString(r.retryNumber()));
        return fields;
    }
}
