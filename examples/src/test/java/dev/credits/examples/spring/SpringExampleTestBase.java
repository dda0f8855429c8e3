package dev.credits.examples.spring;

import dev.credits.CreditLedger;
import dev.credits.GrantRequest;
import dev.credits.stripe.testing.StripeTestEvents;
import dev.credits.stripe.testing.StripeTestEvents.SignedEvent;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;

import java.util.UUID;

import static org.hamcrest.Matchers.hasItem;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** The Spring Boot example application, through HTTP: 004's endpoints, the 402, the webhook and the health check. */
@SpringBootTest(properties = {"credits.stripe.webhook-secret=whsec_example_test"})
@AutoConfigureMockMvc
abstract class SpringExampleTestBase {

    @Autowired
    MockMvc http;

    @Autowired
    CreditLedger ledger;

    /** @return a new account holding {@code credits} */
    String account(long credits) {
        String accountId = "acct-" + UUID.randomUUID();
        ledger.openAccount(accountId);
        if (credits > 0) {
            ledger.grant(GrantRequest.of(accountId, credits));
        }
        return accountId;
    }

    @Test
    void pricingListsTheFeatures() throws Exception {
        http.perform(get("/pricing")).andExpect(status().isOk())
                .andExpect(jsonPath("$[*].featureKey", hasItem("empty_room_generation")))
                .andExpect(jsonPath("$[*].featureKey", hasItem("virtual_staging")));
    }

    @Test
    void aDeductionChargesAndItsReplaySaysSo() throws Exception {
        String accountId = account(30);
        String body = "{\"featureKey\":\"virtual_staging\",\"quantity\":2,\"idempotencyKey\":\"job-1\"}";
        http.perform(post("/accounts/" + accountId + "/deductions").contentType(MediaType.APPLICATION_JSON)
                        .content(body))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.creditsDeducted").value(20))
                .andExpect(jsonPath("$.replayed").value(false));
        http.perform(post("/accounts/" + accountId + "/deductions").contentType(MediaType.APPLICATION_JSON)
                        .content(body))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.creditsDeducted").value(20))
                .andExpect(jsonPath("$.replayed").value(true));
        http.perform(get("/accounts/" + accountId + "/balance")).andExpect(status().isOk())
                .andExpect(jsonPath("$.available").value(10));
        http.perform(get("/accounts/" + accountId + "/history")).andExpect(status().isOk())
                .andExpect(jsonPath("$.entries.length()").value(2))
                .andExpect(jsonPath("$.entries[0].type").value("DEDUCTION"));
        // A blank cursor is the first page too; a page of one hands out the cursor of the next.
        http.perform(get("/accounts/" + accountId + "/history?cursor=&limit=1")).andExpect(status().isOk())
                .andExpect(jsonPath("$.entries.length()").value(1))
                .andExpect(jsonPath("$.entries[0].type").value("DEDUCTION"))
                .andExpect(jsonPath("$.nextCursor").isNotEmpty());
    }

    @Test
    void aShortBalanceIs402WithProblemDetails() throws Exception {
        String accountId = account(5);
        http.perform(post("/accounts/" + accountId + "/deductions").contentType(MediaType.APPLICATION_JSON)
                        .content("{\"featureKey\":\"empty_room_generation\",\"quantity\":1}"))
                .andExpect(status().isPaymentRequired())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.reason").value("INSUFFICIENT_CREDITS"))
                .andExpect(jsonPath("$.required").value(10))
                .andExpect(jsonPath("$.available").value(5));
    }

    @Test
    void anUnknownAccountIs404WithProblemDetails() throws Exception {
        http.perform(get("/accounts/nobody-" + UUID.randomUUID() + "/balance"))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.type").value("urn:credits:error:unknown-account"));
    }

    @Test
    void theStripeWebhookGrantsAPackage() throws Exception {
        String accountId = account(0);
        // tag::stripetest[]
        SignedEvent paid = StripeTestEvents.signedWith("whsec_example_test")
                .checkoutCompleted(accountId, "starter", "pi_" + UUID.randomUUID());
        http.perform(post("/stripe/webhook").content(paid.payload()).header("Stripe-Signature", paid.signature()))
                .andExpect(status().isOk());
        // end::stripetest[]
        http.perform(get("/accounts/" + accountId + "/balance")).andExpect(jsonPath("$.available").value(100));
        SignedEvent forged = StripeTestEvents.signedWith("whsec_forged")
                .checkoutCompleted(accountId, "starter", "pi_" + UUID.randomUUID());
        http.perform(post("/stripe/webhook").content(forged.payload()).header("Stripe-Signature", forged.signature()))
                .andExpect(status().isBadRequest());
    }

    @Test
    void healthPingsTheStore() throws Exception {
        http.perform(get("/actuator/health")).andExpect(status().isOk())
                .andExpect(jsonPath("$.components.credits.status").value("UP"));
    }
}
