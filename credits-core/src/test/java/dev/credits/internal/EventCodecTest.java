package dev.credits.internal;

import dev.credits.EntryType;
import dev.credits.EventPayload;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Event payloads are stored text: the hand-written encoding of the entry event must be the generic one. */
class EventCodecTest {

    @Test
    void entryPostedIsEncodedAsItsFieldsAre() {
        String[] texts = {null, "", "bench_deduction", "a b&c=d", "é€😀", "0b1c9a3e-5f7d-4e2b-9c8a-1d2e3f4a5b6c"};
        for (EntryType type : EntryType.values()) {
            for (String feature : texts) {
                for (String reference : texts) {
                    for (String transaction : new String[] {"t", "a b&c"}) {
                        EventPayload.EntryPosted payload = new EventPayload.EntryPosted(transaction, type, -17,
                                Long.MIN_VALUE, feature, reference);
                        assertEquals(Codec.encode(EventCodec.fields(payload)), EventCodec.encode(payload));
                    }
                }
            }
        }
    }
}
