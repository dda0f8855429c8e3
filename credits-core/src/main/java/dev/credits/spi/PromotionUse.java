package dev.credits.spi;

/**
 * A change of a promotion's use count, part of a {@link ChangeSet}. The store applies it atomically across
 * accounts against the promotion's stored limit (e.g. {@code UPDATE ... SET uses = uses + delta WHERE code = ?
 * AND (max_uses = 0 OR uses + delta <= max_uses)}), so a limit lowered a moment ago holds too, and fails the whole
 * write with {@link PromotionExhaustedException} when the count would pass it. A promotion that does not exist is
 * ignored; a negative delta never takes the count below 0.
 *
 * @param code  the promotion
 * @param delta +1 for a purchase that uses it, -1 for a purchase that failed
 */
public record PromotionUse(String code, int delta) {
}
