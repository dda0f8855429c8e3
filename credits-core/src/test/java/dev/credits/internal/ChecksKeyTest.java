package dev.credits.internal;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The hand-written feature-key check accepts exactly what the rule's pattern accepts. */
class ChecksKeyTest {

    @Test
    void acceptsExactlyWhatThePatternAccepts() {
        Random random = new Random(17);
        String alphabet = "az09_A-é";
        for (int n = 0; n < 200_000; n++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(7);
            for (int i = 0; i < length; i++) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String key = text.toString();
            assertEquals(Checks.KEY.matcher(key).matches(), Checks.isKey(key), key);
        }
    }
}
