package dev.credits.internal;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * The ledger's ids: random (version 4) UUIDs, as {@link UUID#randomUUID()} makes them, from the same kind of
 * generator (the platform's {@link SecureRandom}), but drawn in batches: {@code randomUUID} reads 16 bytes per id from
 * one shared, synchronized generator, which costs more than the rest of a deduction's id handling together. Each
 * thread keeps a buffer of random bytes and refills it from its own generator. Thread-safe.
 */
final class Ids {
    /** Ids per refill. */
    private static final int BATCH = 64;

    private static final ThreadLocal<Ids> PER_THREAD = ThreadLocal.withInitial(Ids::new);

    private final SecureRandom random = new SecureRandom();
    private final byte[] buffer = new byte[16 * BATCH];
    private int next = buffer.length;

    private Ids() {
    }

    /** @return a new random UUID in its canonical text form */
    static String newId() {
        return PER_THREAD.get().uuid().toString();
    }

    private UUID uuid() {
        if (next == buffer.length) {
            random.nextBytes(buffer);
            next = 0;
        }
        long msb = 0;
        long lsb = 0;
        for (int i = 0; i < 8; i++) {
            msb = (msb << 8) | (buffer[next + i] & 0xff);
        }
        for (int i = 8; i < 16; i++) {
            lsb = (lsb << 8) | (buffer[next + i] & 0xff);
        }
        next += 16;
        // The version (4, random) and the IETF variant, as UUID.randomUUID sets them.
        msb = (msb & ~0xF000L) | 0x4000L;
        lsb = (lsb & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }
}
