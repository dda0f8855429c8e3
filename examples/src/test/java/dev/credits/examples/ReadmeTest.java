package dev.credits.examples;

import dev.credits.RejectionReason;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Keeps the README's snippets identical to the compiled sources ({@link ReadmeFirstScreen} and others). */
class ReadmeTest {

    @Test
    void readmeQuickStartIsTheCompiledOne() throws IOException {
        String source = Files.readString(Path.of("src/main/java/dev/credits/examples/ReadmeQuickStart.java"));
        String readme = Files.readString(Path.of("../README.md"));
        String snippet = between(source, "// tag::quickstart[]", "// end::quickstart[]");
        String compiled = dedent(snippet);
        assertTrue(readme.contains(compiled),
                "README.md must contain the quick start of ReadmeQuickStart.java verbatim:\n" + compiled);
    }

    @Test
    void readmeFirstScreenIsTheCompiledOneWithItsImports() throws IOException {
        String source = Files.readString(Path.of("src/main/java/dev/credits/examples/ReadmeFirstScreen.java"));
        String readme = Files.readString(Path.of("../README.md"));
        String compiled = "```java\n"
                + dedent(between(source, "// tag::first-screen-imports[]", "// end::first-screen-imports[]")) + "\n\n"
                + dedent(between(source, "// tag::first-screen[]", "// end::first-screen[]")) + "\n```";
        assertTrue(readme.contains(compiled),
                "README.md must contain the first screen of ReadmeFirstScreen.java verbatim, imports included:\n"
                        + compiled);
    }

    @Test
    void readmeFirstScreenDoesWhatItsCommentsSay() {
        assertEquals(new ReadmeFirstScreen.Outcome(200, 95), ReadmeFirstScreen.run());
    }

    @Test
    void readmePlansSectionIsTheCompiledOne() throws IOException {
        String source = Files.readString(Path.of("src/main/java/dev/credits/examples/ReadmePlans.java"));
        String readme = Files.readString(Path.of("../README.md"));
        String compiled = dedent(between(source, "// tag::plans[]", "// end::plans[]"));
        assertTrue(readme.contains(compiled),
                "README.md must contain the plans snippet of ReadmePlans.java verbatim:\n" + compiled);
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
    void readmeSpringAndTestKitSnippetsAreTheCompiledOnes() throws IOException {
        String readme = Files.readString(Path.of("../README.md"));
        for (String[] snippet : new String[][] {
                {"src/main/java/dev/credits/examples/spring/CreditsController.java", "deduct"},
                {"src/test/java/dev/credits/examples/HostUnitTest.java", "testkit"},
                {"src/main/java/dev/credits/examples/ReadmeObserver.java", "observer"},
                {"src/main/java/dev/credits/examples/ReadmeWriteCombining.java", "write-combining"},
                {"src/test/java/dev/credits/examples/spring/SpringExampleTestBase.java", "stripetest"},
                {"src/main/java/dev/credits/examples/ReadmePlainJava.java", "plain-java-imports"},
                {"src/main/java/dev/credits/examples/ReadmePlainJava.java", "plain-java-embedded"},
                {"src/main/java/dev/credits/examples/ReadmePlainJava.java", "plain-java-pool"}}) {
            String source = Files.readString(Path.of(snippet[0]));
            String compiled = dedent(between(source, "// tag::" + snippet[1] + "[]", "// end::" + snippet[1] + "[]"));
            assertTrue(readme.contains(compiled), "README.md must contain verbatim:\n" + compiled);
        }
    }

    @Test
    void readmeEventsSectionIsTheCompiledOne() throws IOException {
        String source = Files.readString(Path.of("src/main/java/dev/credits/examples/ReadmeEvents.java"));
        String readme = Files.readString(Path.of("../README.md"));
        String compiled = dedent(between(source, "// tag::events[]", "// end::events[]"));
        assertTrue(readme.contains(compiled),
                "README.md must contain the events snippet of ReadmeEvents.java verbatim:\n" + compiled);
    }

    @Test
    void readmeEventsSendsOneLowBalanceEmail() throws InterruptedException {
        assertEquals(List.of("org_42: 40 credits left"), ReadmeEvents.run());
    }

    @Test
    void readmeSeedRulesSectionIsTheCompiledOne() throws IOException {
        String source = Files.readString(Path.of("src/main/java/dev/credits/examples/ReadmeSeedRules.java"));
        String readme = Files.readString(Path.of("../README.md"));
        String compiled = dedent(between(source, "// tag::seeds[]", "// end::seeds[]"));
        assertTrue(readme.contains(compiled),
                "README.md must contain the seeds snippet of ReadmeSeedRules.java verbatim:\n" + compiled);
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

    private static String between(String text, String start, String end) {
        int from = text.indexOf('\n', text.indexOf(start)) + 1;
        int to = text.lastIndexOf('\n', text.indexOf(end));
        return text.substring(from, to);
    }

    private static String dedent(String block) {
        List<String> lines = block.lines().collect(Collectors.toList());
        int indent = lines.stream().filter(line -> !line.isBlank())
                .mapToInt(line -> line.length() - line.stripLeading().length()).min().orElse(0);
        return lines.stream().map(line -> line.isBlank() ? "" : line.substring(indent))
                .collect(Collectors.joining("\n"));
    }
}
