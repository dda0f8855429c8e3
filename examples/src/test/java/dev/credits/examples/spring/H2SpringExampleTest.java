package dev.credits.examples.spring;

/** The Spring Boot example on its default database, in-memory H2. */
class H2SpringExampleTest extends SpringExampleTestBase {
}
