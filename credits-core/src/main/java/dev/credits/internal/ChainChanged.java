package dev.credits.internal;

/**
 * Thrown inside a unit of work whose account turned out to have other pools than the call was run with (it is a
 * member of a pool, or no longer one); nothing was written. The call runs again over the chain it reads anew.
 */
final class ChainChanged extends RuntimeException {
    ChainChanged() {
        super(null, null, false, false);
    }
}
