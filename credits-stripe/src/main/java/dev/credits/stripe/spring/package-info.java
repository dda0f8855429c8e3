/**
 * Spring Boot auto-configuration of credits-stripe: {@link dev.credits.stripe.spring.CreditsStripeAutoConfiguration}
 * and its webhook endpoint. Spring and Spring Boot are optional dependencies: these classes load only in an
 * application that has them.
 */
package dev.credits.stripe.spring;
