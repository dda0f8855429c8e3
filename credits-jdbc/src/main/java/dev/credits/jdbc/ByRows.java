package dev.credits.jdbc;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntFunction;

/**
 * A multi-row statement per row count, built on first use and then the same String instance every time (so
 * statement caches find it by identity and a cached hash); counts up to {@value #CACHED_ROWS} are kept, larger
 * ones built each time. Thread-safe.
 */
final class ByRows {

    private static final int CACHED_ROWS = 32;

    private final IntFunction<String> build;
    private final AtomicReferenceArray<String> built = new AtomicReferenceArray<>(CACHED_ROWS + 1);

    ByRows(IntFunction<String> build) {
        this.build = build;
    }

    String get(int rows) {
        if (rows > CACHED_ROWS) {
            return build.apply(rows);
        }
        String sql = built.get(rows);
        if (sql == null) {
            sql = build.apply(rows);
            if (!built.compareAndSet(rows, null, sql)) {
                sql = built.get(rows);
            }
        }
        return sql;
    }
}
