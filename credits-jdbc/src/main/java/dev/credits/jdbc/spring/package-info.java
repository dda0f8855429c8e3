/**
 * Spring Boot auto-configuration of credits: {@link dev.credits.jdbc.spring.CreditsAutoConfiguration} (store on the
 * application's DataSource, ledger, schema mode, sweep, health, meters, problem details) and
 * {@link dev.credits.jdbc.spring.CreditsProblems}. Spring, Spring Boot and Micrometer are optional dependencies of
 * credits-jdbc: these classes load only in an application that has them.
 */
package dev.credits.jdbc.spring;
