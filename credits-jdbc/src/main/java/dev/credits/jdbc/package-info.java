/**
 * A JDBI 3 store for credits: {@link dev.credits.jdbc.JdbiCreditStore} on H2 (the embedded default),
 * PostgreSQL and MariaDB/MySQL, with the schema shipped as versioned SQL files per {@link dev.credits.jdbc.Dialect}.
 */
package dev.credits.jdbc;
