package dev.credits;

/** The state of a hold: {@code OPEN -> COMMITTED | RELEASED | EXPIRED}, exactly once. */
public enum HoldStatus {
    /** Credits are reserved. */
    OPEN,
    /** Turned into a deduction (all or part of it; the rest was released). */
    COMMITTED,
    /** Given back by the host. */
    RELEASED,
    /** Given back because its deadline passed first. */
    EXPIRED;

    /** @return whether the hold can no longer change */
    public boolean isTerminal() {
        return this != OPEN;
    }
}
