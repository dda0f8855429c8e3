package dev.credits;

/**
 * What {@link CreditLedger#expireDue()} swept.
 *
 * @param accounts       accounts touched
 * @param lotsExpired    lots that lost credits to expiry
 * @param creditsExpired credits expired in all
 * @param holdsExpired   holds released because their deadline passed
 * @param accountsFailed accounts whose sweep failed on their own (logged at WARN; swept again next time); an
 *                       unavailable store is thrown as {@link StoreUnavailableException} instead
 */
public record ExpiryReport(int accounts, int lotsExpired, long creditsExpired, int holdsExpired,
                           int accountsFailed) {
}
