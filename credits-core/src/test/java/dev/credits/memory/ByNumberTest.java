package dev.credits.memory;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The in-memory store's entries and events by number: what a TreeMap answered, for any order of numbers. */
class ByNumberTest {

    @Test
    void answersAsASortedMapDoes() {
        Random random = new Random(17);
        for (int run = 0; run < 200; run++) {
            ByNumber<String> byNumber = new ByNumber<>();
            TreeMap<Long, String> reference = new TreeMap<>();
            long next = 0;
            for (int op = 0; op < 300; op++) {
                int kind = random.nextInt(10);
                if (kind < 6) {
                    // Mostly the next number, sometimes an earlier or a taken one.
                    long number = random.nextInt(5) == 0 ? random.nextInt((int) next + 1) : ++next;
                    String value = "v" + op;
                    byNumber.put(number, value);
                    reference.put(number, value);
                } else if (kind < 7) {
                    long upTo = random.nextInt((int) next + 2);
                    int parity = random.nextInt(2);
                    int removed = byNumber.removeAtOrBelow(upTo, v -> v.length() % 2 == parity);
                    int expected = 0;
                    var iterator = reference.headMap(upTo, true).values().iterator();
                    while (iterator.hasNext()) {
                        if (iterator.next().length() % 2 == parity) {
                            iterator.remove();
                            expected++;
                        }
                    }
                    assertEquals(expected, removed);
                } else if (kind < 8 && random.nextInt(20) == 0) {
                    byNumber.clear();
                    reference.clear();
                }
                long probe = random.nextInt((int) next + 2);
                assertEquals(reference.containsKey(probe), byNumber.contains(probe));
                assertEquals(reference.headMap(probe, false).size(), byNumber.countBelow(probe));
                assertEquals(reference.headMap(probe, true).size(), byNumber.countAtOrBelow(probe));
                assertEquals(List.copyOf(reference.entrySet()), entries(byNumber));
            }
        }
    }

    private static List<Map.Entry<Long, String>> entries(ByNumber<String> byNumber) {
        List<Map.Entry<Long, String>> entries = new ArrayList<>();
        for (int i = 0; i < byNumber.size(); i++) {
            entries.add(Map.entry(byNumber.number(i), byNumber.value(i)));
        }
        return entries;
    }
}
