package dev.credits.jdbc.spring;

import dev.credits.ChargeDisputeStateException;
import dev.credits.ChargeDisputeStatus;
import dev.credits.DeductionResult;
import dev.credits.FeatureDefinition;
import dev.credits.GrantRequest;
import dev.credits.IdempotencyConflictException;
import dev.credits.InvalidArgumentException;
import dev.credits.StoreUnavailableException;
import dev.credits.UnknownAccountException;
import dev.credits.UnknownDisputeException;
import dev.credits.testkit.TestLedger;
import org.junit.jupiter.api.Test;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** RFC 9457 problem details of rejections and exceptions. */
class CreditsProblemsTest {

    @Test
    void aShortBalanceIs402WithWhatItNeedsAndHas() {
        TestLedger credits = TestLedger.create();
        credits.ledger().openAccount("org_1");
        credits.ledger().saveFeaturePricing(FeatureDefinition.of("image", "Image", 5));
        credits.ledger().grant(GrantRequest.of("org_1", 3));
        DeductionResult result = credits.ledger().deductCredits("org_1", "image");

        ResponseEntity<ProblemDetail> response = CreditsProblems.response(result);
        assertThat(response.getStatusCode().value()).isEqualTo(402);
        ProblemDetail problem = response.getBody();
        assertThat(problem.getType()).isEqualTo(URI.create("urn:credits:rejection:insufficient-credits"));
        assertThat(problem.getTitle()).isEqualTo("Insufficient credits");
        assertThat(problem.getDetail()).isEqualTo("needs 5 credits, 3 available");
        assertThat(problem.getProperties()).containsEntry("reason", "INSUFFICIENT_CREDITS")
                .containsEntry("required", 5L).containsEntry("available", 3L).containsEntry("featureKey", "image");
    }

    @Test
    void aSuccessIsNoProblem() {
        TestLedger credits = TestLedger.create();
        credits.ledger().openAccount("org_1");
        credits.ledger().saveFeaturePricing(FeatureDefinition.of("free", "Free", 0));
        DeductionResult ok = credits.ledger().deductCredits("org_1", "free");
        assertThatThrownBy(() -> CreditsProblems.of(ok)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void exceptionsMapToTheirStatus() {
        assertThat(CreditsProblems.of(new InvalidArgumentException("quantity", "must be positive")).getStatus())
                .isEqualTo(400);
        ProblemDetail unknown = new CreditsExceptionHandler().handle(new UnknownAccountException("org_9")).getBody();
        assertThat(unknown.getStatus()).isEqualTo(404);
        assertThat(unknown.getType()).isEqualTo(URI.create("urn:credits:error:unknown-account"));
        assertThat(CreditsProblems.of(new IdempotencyConflictException("org_1", "key")).getStatus()).isEqualTo(409);
        assertThat(CreditsProblems.of(new StoreUnavailableException("down", null)).getStatus()).isEqualTo(503);
    }

    @Test
    void disputesOfAChargeMapLikeTheOtherUnknownsAndConflicts() {
        assertThat(CreditsProblems.of(new UnknownDisputeException("dsp_1")).getStatus()).isEqualTo(404);
        assertThat(CreditsProblems.of(new ChargeDisputeStateException("dsp_1", ChargeDisputeStatus.RESOLVED,
                "already resolved")).getStatus()).isEqualTo(409);
    }
}
