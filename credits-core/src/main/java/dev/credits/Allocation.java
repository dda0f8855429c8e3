package dev.credits;

/**
 * One line of a receipt: how much one entry (or one hold) took from, or gave back to, one lot.
 *
 * @param ownerId  the transaction id of the entry, or the hold id for a hold's reservation
 * @param position the line's position in the receipt (0, 1, ...), in the order the lots were touched
 * @param lotId    the lot
 * @param amount   the signed change of the lot's remaining amount (for a hold: credits held, positive)
 */
public record Allocation(String ownerId, int position, String lotId, long amount) {
}
