package dev.credits.internal;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ids are time-ordered UUIDs: version 7, IETF variant, canonical text, random where not time, never the same twice. */
class IdsTest {

    @Test
    void idsAreDistinctVersion7UuidsInCanonicalForm() {
        Set<String> seen = new HashSet<>();
        int ones = 0;
        int n = 20_000; // more than one batch of the generator, so refills are covered
        long before = System.currentTimeMillis();
        for (int i = 0; i < n; i++) {
            String id = Ids.newId();
            UUID uuid = UUID.fromString(id);
            assertEquals(id, uuid.toString());
            assertEquals(7, uuid.version());
            assertEquals(2, uuid.variant());
            assertTrue(seen.add(id), "repeated id " + id);
            long millis = uuid.getMostSignificantBits() >>> 16;
            assertTrue(millis >= before && millis <= System.currentTimeMillis(), "time " + millis + " of " + id);
            ones += Long.bitCount(uuid.getLeastSignificantBits() & 0x0000FFFFFFFFFFFFL);
        }
        // The random bits look random: about half of them are set.
        double share = ones / (48.0 * n);
        assertTrue(share > 0.49 && share < 0.51, "share of set bits " + share);
    }

    @Test
    void idsOfLaterMillisecondsSortAfterEarlierOnesAsText() {
        Ids ids = new Ids();
        long start = 1_764_000_000_000L; // 2025-11-24
        String previous = ids.uuid(start).toString();
        for (int i = 1; i < 5_000; i++) {
            String id = ids.uuid(start + i).toString();
            assertTrue(id.compareTo(previous) > 0, id + " after " + previous);
            assertEquals(start + i, UUID.fromString(id).getMostSignificantBits() >>> 16);
            previous = id;
        }
    }

    @Test
    void idsOfOneMillisecondDifferInTheirRandomBits() {
        Ids ids = new Ids();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 5_000; i++) {
            UUID uuid = ids.uuid(1_764_000_000_000L);
            assertEquals(1_764_000_000_000L, uuid.getMostSignificantBits() >>> 16);
            assertTrue(seen.add(uuid.toString()));
        }
    }
}
