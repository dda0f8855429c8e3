package dev.credits.internal;

import dev.credits.CapExceeded;
import dev.credits.Hold;
import dev.credits.InvalidArgumentException;
import dev.credits.SpendingCap;
import dev.credits.spi.CapUsage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Spending caps: what an account, and every member under it, may spend per period (per key, when the cap has one).
 * A spend counts against the caps of the spender and of each of its pools, each under the lock of the cap's account
 * (a member's unit of work locks its pools), so concurrent spends never pass a cap. Open holds count; a hold that is
 * released (or times out) gives back its amount, a smaller commit the rest, to the period it was counted in. A
 * refund gives nothing back (the credits were spent). Stateless.
 */
final class Caps {

    /** Longest key value a cap counts (a longer one is refused, on every store alike). */
    static final int MAX_KEY_LENGTH = 128;

    private Caps() {
    }

    /** A cap that applies to a spend: its account's session, the cap, the key value ("" without key). */
    private record Applicable(AccountSession owner, SpendingCap cap, String key) {
    }

    private static List<Applicable> applicable(AccountSession spender, String creditType, String userId,
                                               Map<String, String> metadata) {
        if (spender.pools().isEmpty() && !spender.account().capped()) {
            return List.of(); // the common case: no cap anywhere, nothing to look at
        }
        List<Applicable> found = new ArrayList<>();
        List<AccountSession> owners = new ArrayList<>();
        owners.add(spender);
        owners.addAll(spender.pools());
        for (AccountSession owner : owners) {
            if (!owner.account().capped()) {
                continue;
            }
            for (SpendingCap cap : owner.orgRows.caps(owner)) {
                if (!cap.creditType().equals(creditType)) {
                    continue;
                }
                String key = cap.keyName() == null ? ""
                        : SpendingCap.USER_KEY.equals(cap.keyName()) ? userId
                        : metadata == null ? null : metadata.get(cap.keyName());
                if (key != null) {
                    if (key.length() > MAX_KEY_LENGTH) {
                        throw new InvalidArgumentException(cap.keyName(), "the value counted by cap '" + cap.capId()
                                + "' of '" + owner.accountId() + "' is longer than " + MAX_KEY_LENGTH + " characters");
                    }
                    found.add(new Applicable(owner, cap, key));
                }
            }
        }
        return found;
    }

    /** @return the first cap that {@code credits} more would pass now, or null when every cap allows them */
    static CapExceeded check(AccountSession spender, String creditType, long credits, String userId,
                             Map<String, String> metadata) {
        if (credits <= 0) {
            return null;
        }
        Instant now = spender.now();
        for (Applicable a : applicable(spender, creditType, userId, metadata)) {
            Instant start = a.cap().period().start(now, a.cap().zone());
            long used = a.owner().orgRows.used(a.owner(), a.cap().capId(), a.key(), start);
            if (used + credits > a.cap().limit()) {
                return new CapExceeded(a.owner().accountId(), a.cap().capId(), a.key().isEmpty() ? null : a.key(),
                        start, a.cap().period().end(now, a.cap().zone()), a.cap().limit(), used,
                        Math.max(0, a.cap().limit() - used), credits);
            }
        }
        return null;
    }

    /** Counts a spend (a deduction or a new hold) of {@code credits} against every cap that applies. */
    static void count(AccountSession spender, String creditType, long credits, String userId,
                      Map<String, String> metadata) {
        if (credits <= 0) {
            return;
        }
        add(applicable(spender, creditType, userId, metadata), spender.now(), credits);
    }

    /**
     * Gives back {@code credits} of a work hold to the caps it was counted against when placed (caps set after it was
     * placed never counted it).
     */
    static void giveBack(AccountSession holder, Hold hold, long credits) {
        if (credits <= 0 || hold.isFreeze() || hold.amount() <= 0) {
            return;
        }
        List<Applicable> counted = new ArrayList<>();
        for (Applicable a : applicable(holder, hold.creditType(), hold.userId(), hold.metadata())) {
            if (a.cap().changedAt() == null || !a.cap().changedAt().isAfter(hold.createdAt())) {
                counted.add(a);
            }
        }
        add(counted, hold.createdAt(), -credits);
    }

    private static void add(List<Applicable> caps, Instant at, long credits) {
        for (Applicable a : caps) {
            Instant start = a.cap().period().start(at, a.cap().zone());
            long used = a.owner().orgRows.used(a.owner(), a.cap().capId(), a.key(), start);
            a.owner().orgRows.putUsage(new CapUsage(a.owner().accountId(), a.cap().capId(), a.key(), start,
                    Math.max(0, Checks.add("cap usage", used, credits))));
        }
    }
}
