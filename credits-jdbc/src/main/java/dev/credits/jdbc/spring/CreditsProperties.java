package dev.credits.jdbc.spring;

import dev.credits.jdbc.Dialect;
import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * The {@code credits.*} settings of the Spring Boot auto-configuration ({@link CreditsAutoConfiguration}).
 *
 * <pre>
 * credits.table-prefix=credits_
 * credits.schema.mode=library        # or none: the host's Flyway / Liquibase runs the migrations
 * credits.sweep.interval=1m
 * credits.holds.default-timeout=5m
 * </pre>
 */
@ConfigurationProperties(prefix = "credits")
public class CreditsProperties {

    /** Prefix of the store's table names. */
    private String tablePrefix = "credits_"; // JdbiCreditStore.DEFAULT_TABLE_PREFIX, as a literal for the IDE metadata

    /** The database dialect; detected from the DataSource when not set. */
    private Dialect dialect;

    /** How long a call waits for an account another call holds before failing with LockTimeoutException. */
    private Duration lockTimeout = Duration.ofSeconds(10); // JdbiCreditStore.DEFAULT_LOCK_TIMEOUT

    /** How often a unit of work is retried after a deadlock or serialization failure (0: never). */
    private int maxRetries = 5; // JdbiCreditStore.DEFAULT_MAX_RETRIES

    private final Schema schema = new Schema();

    private final Sweep sweep = new Sweep();

    private final Holds holds = new Holds();

    public String getTablePrefix() {
        return tablePrefix;
    }

    public void setTablePrefix(String tablePrefix) {
        this.tablePrefix = tablePrefix;
    }

    public Dialect getDialect() {
        return dialect;
    }

    public void setDialect(Dialect dialect) {
        this.dialect = dialect;
    }

    public Duration getLockTimeout() {
        return lockTimeout;
    }

    public void setLockTimeout(Duration lockTimeout) {
        this.lockTimeout = lockTimeout;
    }

    public int getMaxRetries() {
        return maxRetries;
    }

    public void setMaxRetries(int maxRetries) {
        this.maxRetries = maxRetries;
    }

    public Schema getSchema() {
        return schema;
    }

    public Sweep getSweep() {
        return sweep;
    }

    public Holds getHolds() {
        return holds;
    }

    /** Who creates and upgrades the store's tables. */
    public enum SchemaMode {
        /** The store runs its own versioned migrations at start-up ({@code installSchema()}, idempotent). */
        LIBRARY,
        /** Nothing at start-up: the host's Flyway or Liquibase runs the migrations, before the store is used. */
        NONE
    }

    /** {@code credits.schema.*} */
    public static class Schema {

        /** library: the store installs and upgrades its tables at start-up; none: the host's Flyway / Liquibase does. */
        private SchemaMode mode = SchemaMode.LIBRARY;

        public SchemaMode getMode() {
            return mode;
        }

        public void setMode(SchemaMode mode) {
            this.mode = mode;
        }
    }

    /** {@code credits.sweep.*} */
    public static class Sweep {

        /** Whether this application runs the periodic expireDue() sweep (safe on every node at once). */
        private boolean enabled = true;

        /** Time between two sweeps. */
        private Duration interval = Duration.ofMinutes(1);

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Duration getInterval() {
            return interval;
        }

        public void setInterval(Duration interval) {
            this.interval = interval;
        }
    }

    /** {@code credits.holds.*} */
    public static class Holds {

        /** Timeout of a hold that does not set one. */
        private Duration defaultTimeout = Duration.ofMinutes(5);

        /** The longest timeout a hold may ask for. */
        private Duration maxTimeout = Duration.ofHours(24);

        public Duration getDefaultTimeout() {
            return defaultTimeout;
        }

        public void setDefaultTimeout(Duration defaultTimeout) {
            this.defaultTimeout = defaultTimeout;
        }

        public Duration getMaxTimeout() {
            return maxTimeout;
        }

        public void setMaxTimeout(Duration maxTimeout) {
            this.maxTimeout = maxTimeout;
        }
    }
}
