package dev.credits;

/**
 * Which page of history to read: a keyset cursor (not an offset), so pages never skip or repeat an entry
 * while new entries arrive.
 *
 * @param cursor the {@link HistoryPage#nextCursor()} of the previous page, or null for the first page
 * @param limit  entries per page, 1 to {@value #MAX_LIMIT}
 */
public record PageRequest(String cursor, int limit) {

    /** The largest page. */
    public static final int MAX_LIMIT = 1000;
    /** The page size of {@link #first()}. */
    public static final int DEFAULT_LIMIT = 50;

    /** @return the first page of {@value #DEFAULT_LIMIT} entries */
    public static PageRequest first() {
        return new PageRequest(null, DEFAULT_LIMIT);
    }

    /** @return the first page of {@code limit} entries */
    public static PageRequest first(int limit) {
        return new PageRequest(null, limit);
    }
}
