package dev.credits.jdbc;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.credits.CreditLedger;
import dev.credits.DeductRequest;
import dev.credits.DeductionResult;
import dev.credits.FeatureDefinition;
import dev.credits.FeaturePricing;
import dev.credits.GrantRequest;
import dev.credits.testkit.TestLedger;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Request records bind from JSON bodies as they are (Jackson 2.12+ uses a record's canonical constructor), with the
 * defaults a host expects, and a replayed deduction says so with the first call's fields.
 */
class RequestJsonTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void aFeatureDefinitionNeedsOnlyKeyNameAndPrice() throws Exception {
        FeatureDefinition definition = json.readValue(
                "{\"featureKey\":\"image\",\"featureName\":\"Image\",\"creditsPerUnit\":5}", FeatureDefinition.class);
        assertEquals(FeatureDefinition.of("image", "Image", 5), definition);
        assertEquals(CreditLedger.DEFAULT_CREDIT_TYPE, definition.creditType());
        assertTrue(definition.active());
        assertEquals(Map.of(), definition.planPrices());

        FeatureDefinition off = json.readValue("{\"featureKey\":\"video\",\"featureName\":\"Video\","
                + "\"creditsPerUnit\":9,\"active\":false,\"planPrices\":{\"pro\":7},\"creditType\":\"gpu\"}",
                FeatureDefinition.class);
        assertFalse(off.active());
        assertEquals(Map.of("pro", 7L), off.planPrices());

        TestLedger credits = TestLedger.create();
        FeaturePricing saved = credits.ledger().createFeaturePricing(definition);
        assertTrue(saved.active());
    }

    @Test
    void aDeductRequestBindsAndAReplayCarriesTheFirstResult() throws Exception {
        TestLedger credits = TestLedger.create();
        CreditLedger ledger = credits.ledger();
        ledger.openAccount("org_1");
        ledger.saveFeaturePricing(FeatureDefinition.of("image", "Image", 5));
        ledger.grant(GrantRequest.of("org_1", 20));
        DeductRequest request = json.readValue("{\"accountId\":\"org_1\",\"featureKey\":\"image\",\"quantity\":2,"
                + "\"idempotencyKey\":\"job-1\",\"metadata\":{\"job\":\"1\"}}", DeductRequest.class);

        DeductionResult first = ledger.deductCredits(request);
        DeductionResult replay = ledger.deductCredits(request);
        assertFalse(first.replayed());
        assertTrue(replay.replayed(), "the host can tell its work was done already");
        assertEquals(first.transactionId(), replay.transactionId());
        assertEquals(first.creditsDeducted(), replay.creditsDeducted());
        assertEquals(10, ledger.balance("org_1").available());

        // Results go back out as JSON too.
        String out = json.writeValueAsString(replay);
        assertTrue(out.contains("\"replayed\":true") && out.contains("\"creditsDeducted\":10"), out);
    }
}
