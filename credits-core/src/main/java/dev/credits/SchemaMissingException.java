package dev.credits;

/**
 * The database has no credits tables (or not all of them) under the store's table prefix: the schema was never
 * installed there, or the store looks at the wrong schema or prefix. Not an outage, and retrying does not help: call
 * {@code JdbiCreditStore.installSchema()} at start, or run the shipped migrations with the host's Flyway or Liquibase
 * (see the README), with the same table prefix.
 */
public final class SchemaMissingException extends CreditsException {
    private static final long serialVersionUID = 1L;

    public SchemaMissingException(String message, Throwable cause) {
        super(message, cause);
    }
}
