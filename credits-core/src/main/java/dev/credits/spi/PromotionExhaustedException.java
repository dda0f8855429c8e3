package dev.credits.spi;

import dev.credits.CreditsException;

/**
 * Thrown by {@link AccountTransaction#write} when a {@link PromotionUse} would take a promotion past its limit;
 * nothing of the write is kept. The ledger turns it into {@link dev.credits.RejectionReason#PROMOTION_EXHAUSTED}.
 */
public final class PromotionExhaustedException extends CreditsException {
    private static final long serialVersionUID = 1L;

    public PromotionExhaustedException(String code) {
        super("promotion '" + code + "' has no uses left");
    }
}
