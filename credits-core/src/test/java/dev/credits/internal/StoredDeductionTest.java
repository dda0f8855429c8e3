package dev.credits.internal;

import dev.credits.DeductionResult;
import org.junit.jupiter.api.Test;

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
                        assertEquals(Codec.encode(Spending.deductionFields(result)), Spending.encodeDeduction(result));
                    }
                }
            }
        }
    }
}
