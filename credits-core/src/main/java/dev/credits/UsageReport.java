package dev.credits;

import java.util.List;

/**
 * What {@link Reports#usage(UsageQuery)} found: a line per bucket and group that had usage, by bucket start, then
 * group. Buckets without usage have no line. Immutable.
 *
 * @param query the query
 * @param lines the lines
 */
public record UsageReport(UsageQuery query, List<UsageLine> lines) {

    public UsageReport {
        lines = List.copyOf(lines);
    }

    /** @return credits charged minus refunded over every line */
    public long net() {
        return lines.stream().mapToLong(UsageLine::net).sum();
    }
}
