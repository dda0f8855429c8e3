package dev.credits.spi;

import dev.credits.HistoryFilter;

/**
 * A history read: entries with {@code sequence < beforeSequence} that match {@code filter}, newest first.
 *
 * @param filter         what to keep
 * @param beforeSequence the keyset cursor ({@code Long.MAX_VALUE} for the first page)
 * @param limit          at most this many
 */
public record EntryQuery(HistoryFilter filter, long beforeSequence, int limit) {
}
