package dev.credits.memory;

import dev.credits.EntryType;
import dev.credits.LedgerEntry;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The in-memory store's entries by transaction id: what a HashMap answered, through growth and equal hashes. */
class TransactionIndexTest {

    private static LedgerEntry entry(String transactionId) {
        return LedgerEntry.builder(transactionId, EntryType.DEDUCTION, "credits", -1).build();
    }

    @Test
    void findsEveryEntryAddedAndNoOther() {
        TransactionIndex index = new TransactionIndex();
        Map<String, TransactionIndex.Posted> reference = new HashMap<>();
        Random random = new Random(17);
        for (int i = 0; i < 200_000; i++) {
            String id = i % 3 == 0 ? "tx-" + i : new UUID(random.nextLong(), random.nextLong()).toString();
            reference.put(id, index.put("acct-" + (i % 7), entry(id)));
        }
        reference.forEach((id, posted) -> {
            TransactionIndex.Posted found = index.get(id);
            assertSame(posted, found, id);
            assertEquals(id, found.entry.transactionId());
        });
        assertNull(index.get("tx-1"), "never added");
        assertNull(index.get(new UUID(1, 2).toString()));
    }

    @Test
    void tellsApartIdsWithTheSameHash() {
        // "Aa" and "BB" hash alike, and so does any string made of them in the same places.
        TransactionIndex index = new TransactionIndex();
        String[] ids = {"AaAaAa", "AaAaBB", "AaBBAa", "BBAaAa", "BBBBBB", "AaBBBB"};
        assertEquals(ids[0].hashCode(), ids[5].hashCode());
        for (String id : ids) {
            index.put("acct", entry(id));
        }
        for (String id : ids) {
            assertEquals(id, index.get(id).entry.transactionId());
        }
        assertNull(index.get("BBBBAa"), "same hash, never added");
    }

    @Test
    void anEntryAddedAgainReplacesTheFirstAndClearForgetsAll() {
        TransactionIndex index = new TransactionIndex();
        index.put("acct-1", entry("tx"));
        TransactionIndex.Posted second = index.put("acct-2", entry("tx"));
        assertSame(second, index.get("tx"));
        index.clear();
        assertNull(index.get("tx"));
        index.put("acct-3", entry("tx"));
        assertEquals("acct-3", index.get("tx").accountId);
    }
}
