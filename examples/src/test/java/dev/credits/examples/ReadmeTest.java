package dev.credits.examples;

import dev.credits.RejectionReason;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the README's compiled snippets ({@link ReadmeFirstScreen} and others): they do what their comments say. */
class ReadmeTest {

    @Test
    void readmeReportsDoWhatTheirCommentsSay() {
        ReadmeReports.Outcome outcome = ReadmeReports.run();
        assertEquals(15, outcome.chart().size(), "10 days with AI sessions, 5 with non-AI ones");
        assertEquals(new ReadmeReports.ChartPoint(java.time.LocalDate.of(2025, 3, 1), true, 2, 20),
                outcome.chart().get(0));
        assertEquals(new ReadmeReports.ChartPoint(java.time.LocalDate.of(2025, 3, 2), false, 1, 10),
                outcome.chart().get(1));
        assertEquals(List.of(400L, 200L, 200L), List.of(outcome.budget().granted(), outcome.budget().used(),
                outcome.budget().remaining()));
        assertEquals(160, outcome.forecast().consumedInWindow());
        assertEquals(0, new BigDecimal("22.857143").compareTo(outcome.forecast().creditsPerDay()));
        assertTrue(outcome.exceeds());
        assertEquals(240, outcome.outstanding());
        assertEquals(List.of(440L, 200L, 0L), List.of(outcome.credits().totalGranted(), outcome.credits().consumed(),
                outcome.credits().expired()));
        assertEquals(List.of(dev.credits.Money.of("4.00", "USD")), outcome.revenue());
        assertEquals(List.of(new dev.credits.SystemSummary.Consumer("creator_9", "credits", 200)), outcome.top());
        assertEquals(List.of("user_1"), outcome.low().rows().stream().map(r -> r.account().accountId()).toList());
    }

    @Test
    void readmeFirstScreenDoesWhatItsCommentsSay() {
        assertEquals(new ReadmeFirstScreen.Outcome(200, 95), ReadmeFirstScreen.run());
    }

    @Test
    void readmePlansDoesWhatItsCommentsSay() {
        ReadmePlans.Outcome outcome = ReadmePlans.run();
        assertEquals(new BigDecimal("719.20"), outcome.quote().price().amount());
        assertEquals(550, outcome.quote().totalCredits());
        assertTrue(outcome.bought().success());
        assertEquals(600, outcome.period().granted().get("credits"));
        assertEquals(8, outcome.original().creditsDeducted());
        assertEquals(0, outcome.freeRetry().creditsDeducted());
        assertEquals(1, outcome.freeRetry().retryNumber());
        assertEquals(600 + 550 - 8, outcome.available());
    }

    @Test
    void readmeAdministrationRemovesAuditsAndResolvesADispute() {
        assertEquals(List.of("removed 30, available 120",
                "ACCOUNT_RESUMED by admin:42: {status=PAUSED} -> {status=ACTIVE}",
                "ACCOUNT_PAUSED by admin:42: {status=ACTIVE} -> {status=PAUSED}", "price history [50, 60]",
                "dispute RESOLVED, refunded 30 of 50, available 150"), ReadmeAdministration.run());
    }

    @Test
    void readmeEventsSendsOneLowBalanceEmail() throws InterruptedException {
        assertEquals(List.of("org_42: 40 credits left"), ReadmeEvents.run());
    }

    @Test
    void readmeOrganizationsDoWhatTheirCommentsSay() {
        ReadmeOrganizations.Outcome outcome = ReadmeOrganizations.run();
        assertTrue(outcome.spent().success());
        assertEquals(100, outcome.spent().creditsDeducted());
        assertEquals(RejectionReason.CAP_EXCEEDED, outcome.overDailyCap().reason());
        assertEquals(429, outcome.overDailyCap().reason().httpStatus());
        assertEquals("user_kim", outcome.overDailyCap().capExceeded().accountId());
        assertEquals(100, outcome.overDailyCap().capExceeded().used());
        assertEquals(0, outcome.overDailyCap().capExceeded().remaining());
        assertTrue(outcome.allocated().success());
        assertEquals(dev.credits.PurchaseStatus.PENDING_APPROVAL, outcome.waiting().purchase().status());
        assertEquals(dev.credits.PurchaseStatus.COMPLETED, outcome.approved().purchase().status());
        assertEquals("cfo:lee", outcome.approved().purchase().approval().approver());
        assertEquals(10_000 - 100 - 1_500 + 20_000, outcome.poolAvailable());
    }

    @Test
    void readmeSeedRulesDoWhatTheirCommentsSay() {
        ReadmeSeedRules.Outcome outcome = ReadmeSeedRules.run();
        assertEquals(RejectionReason.PLAN_CANNOT_SPEND_CREDIT_TYPE, outcome.refused().reason());
        assertEquals(403, outcome.refused().reason().httpStatus());
        assertEquals(50, outcome.sessions().available());
        assertFalse(outcome.sessions().spendable());
        assertTrue(outcome.voice().success());
        assertEquals("voice", outcome.voice().purchase().creditType());
        assertEquals(new BigDecimal("36.00"), outcome.subscriberQuote().price().amount());
        assertEquals("plan-rate:pro, plan-discount:pro", outcome.subscriberQuote().planRule());
        assertEquals(0, outcome.firstRetry().commit().creditsCharged());
        assertEquals(1, outcome.firstRetry().commit().hold().retryNumber());
        assertEquals(10, outcome.thirdRetry().commit().creditsCharged());
        assertEquals(3, outcome.thirdRetry().commit().hold().retryNumber());
        assertFalse(outcome.changes().entries().isEmpty());
        assertFalse(outcome.changes().hasMore());
        assertEquals(10, outcome.explanation().required());
        assertEquals(50 - 10 - 10, outcome.explanation().available());
    }

    @Test
    void quickStartAnswersLikeAHost() {
        assertEquals(200, ReadmeQuickStart.handle("req-1", "a cat", prompt -> "cat.png"));
    }

}
