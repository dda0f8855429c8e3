package dev.credits;

import dev.credits.internal.Checks;

/**
 * Who made a change, and why: a user, an administrator, a job ({@code "system"}), an integration ({@code "stripe"}).
 * The host decides who may do what; the ledger records who did. Give it to a ledger with
 * {@link CreditLedger#actingAs(Actor)}: every change made through that view carries it, and reads return it.
 *
 * <pre>{@code
 * ledger.actingAs(Actor.of("admin:42", "ticket 881: duplicate charge")).pauseAccount("user-17");
 * }</pre>
 *
 * @param id     who: an id as the host names its users and jobs (not blank, at most 128 characters, no control
 *               characters)
 * @param reason why, free text (at most 2,048 characters), or null
 */
public record Actor(String id, String reason) {

    /**
     * The ledger itself: every EXPIRY entry carries it, whichever call noticed the expiry. Other changes carry the
     * calling ledger's actor; run jobs (the expiry sweep, period renewals) on {@code ledger.actingAs(Actor.SYSTEM)}
     * to name them too.
     */
    public static final Actor SYSTEM = new Actor("system", null);

    /**
     * @throws InvalidArgumentException if the id is null, blank, too long or has a control character, or the reason
     *                                  is too long or has a NUL character
     */
    public Actor {
        id = Checks.id("actor.id", id);
        reason = Checks.text("actor.reason", reason);
    }

    /** @return an actor without a reason */
    public static Actor of(String id) {
        return new Actor(id, null);
    }

    /** @return an actor with a reason */
    public static Actor of(String id, String reason) {
        return new Actor(id, reason);
    }

    /** @return the same actor with another reason */
    public Actor because(String reason) {
        return new Actor(id, reason);
    }
}
