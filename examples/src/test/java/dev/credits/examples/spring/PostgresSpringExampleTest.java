package dev.credits.examples.spring;

import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.util.UUID;

/**
 * The Spring Boot example on PostgreSQL, when {@code CREDITS_TEST_POSTGRES_URL} is set (CI sets it), with tables
 * of their own (a random prefix) so that runs never meet.
 */
@EnabledIfEnvironmentVariable(named = "CREDITS_TEST_POSTGRES_URL", matches = ".+")
class PostgresSpringExampleTest extends SpringExampleTestBase {

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry properties) {
        properties.add("spring.datasource.url", () -> System.getenv("CREDITS_TEST_POSTGRES_URL"));
        properties.add("credits.table-prefix",
                () -> "ex_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_");
    }
}
