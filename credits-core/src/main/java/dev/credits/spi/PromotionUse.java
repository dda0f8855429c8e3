package dev.credits.spi;

/**
 * A change of a promotion's use count, part of a {@link ChangeSet}. The store applies it atomically across
 * accounts (e.g. {@code UPDATE ... SET uses = uses + delta WHERE code = ? AND (limit = 0 OR uses + delta <= limit)})
 * and fails the whole write with {@link PromotionExhaustedException} when the count would pass the limit.
 *
 * @param code  the promotion
 * @param delta +1 for a purchase that uses it, -1 for a purchase that failed
 * @param limit the most uses allowed (0: no limit); only checked when {@code delta > 0}
 */
public record PromotionUse(String code, int delta, long limit) {
}
