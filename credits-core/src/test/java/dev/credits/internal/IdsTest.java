package dev.credits.internal;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ids are what UUID.randomUUID() made before: version 4, IETF variant, canonical text, never the same twice. */
class IdsTest {

    @Test
    void idsAreDistinctRandomUuidsInCanonicalForm() {
        Set<String> seen = new HashSet<>();
        int ones = 0;
        int n = 20_000; // more than one batch of the generator, so refills are covered
        for (int i = 0; i < n; i++) {
            String id = Ids.newId();
            UUID uuid = UUID.fromString(id);
            assertEquals(id, uuid.toString());
            assertEquals(4, uuid.version());
            assertEquals(2, uuid.variant());
            assertTrue(seen.add(id), "repeated id " + id);
            ones += Long.bitCount(uuid.getLeastSignificantBits() & 0x0000FFFFFFFFFFFFL);
        }
        // The random bits look random: about half of them are set.
        double share = ones / (48.0 * n);
        assertTrue(share > 0.49 && share < 0.51, "share of set bits " + share);
    }
}
