package dev.credits;

/**
 * What {@link CreditLedger#expireDue()} swept.
 *
 * @param accounts       accounts touched
 * @param lotsExpired    lots that lost credits to expiry
 * @param creditsExpired credits expired in all
 * @param holdsExpired   holds released because their deadline passed
 * @param accountsFailed accounts whose sweep failed (logged at WARN; they are swept again next time)
 */
public record ExpiryReport(int accounts, int lotsExpired, long creditsExpired, int holdsExpired,
                           int accountsFailed) {
}
