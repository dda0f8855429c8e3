package dev.credits.internal;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.UUID;

/**
 * The ledger's ids: time-ordered (version 7, RFC 9562) UUIDs in canonical text. The first 48 bits are the
 * milliseconds since the epoch (the wall clock: ids only order, the ledger's {@link java.time.Clock} dates
 * everything else), the other 74 free bits random. Ids made later sort after earlier ones, as text too (lowercase
 * hex), so a table keyed by them grows at its end: a B-tree primary key (InnoDB's is the table itself) takes each
 * new row on its last pages instead of a random page of an index that outgrows the cache, which random (version 4)
 * ids did. 74 random bits keep ids unguessable.
 *
 * <p>The random bits are cheap: {@link UUID#randomUUID()} draws 16 bytes per id from one shared, synchronized
 * {@link SecureRandom} (on Linux a read of {@code /dev/urandom} mixed with SHA-1), which cost more than the rest of
 * a deduction's id handling together. Each thread draws its bytes in batches from the key stream of AES in counter
 * mode under a key and counter of its own taken from {@code SecureRandom} (the generator at the heart of NIST
 * SP 800-90A's CTR_DRBG), with a new key every {@value #REKEY_BATCHES} batches. Thread-safe.
 */
final class Ids {
    /** Ids per batch. */
    private static final int BATCH = 64;
    /** Batches (of 1 KiB) per key: a new key from {@code SecureRandom} every 64 MiB of ids. */
    private static final int REKEY_BATCHES = 65_536;

    private static final SecureRandom SEEDS = new SecureRandom();
    private static final ThreadLocal<Ids> PER_THREAD = ThreadLocal.withInitial(Ids::new);

    private final byte[] zeros = new byte[16 * BATCH];
    private final byte[] buffer = new byte[16 * BATCH];
    private int next = buffer.length;
    private Cipher cipher;
    private int batches;

    /** A generator of its own (tests); the ledger's ids come from {@link #newId()}, one generator per thread. */
    Ids() {
    }

    /** @return a new time-ordered UUID in its canonical text form */
    static String newId() {
        return PER_THREAD.get().uuid(System.currentTimeMillis()).toString();
    }

    /** @param millis the milliseconds since the epoch the id starts with */
    UUID uuid(long millis) {
        if (next == buffer.length) {
            refill();
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
        // The time (48 bits), the version (7) and 12 random bits; the IETF variant and 62 random bits.
        msb = ((millis & 0xFFFF_FFFF_FFFFL) << 16) | 0x7000L | (msb & 0x0FFFL);
        lsb = (lsb & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }

    private void refill() {
        try {
            if (cipher == null || batches == REKEY_BATCHES) {
                byte[] key = new byte[16];
                byte[] counter = new byte[16];
                SEEDS.nextBytes(key);
                SEEDS.nextBytes(counter);
                cipher = Cipher.getInstance("AES/CTR/NoPadding");
                cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(counter));
                batches = 0;
            }
            // The key stream itself (zeros encrypted): AES of successive counter blocks.
            cipher.update(zeros, 0, zeros.length, buffer, 0);
            batches++;
            next = 0;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/CTR is missing", e);
        }
    }
}
