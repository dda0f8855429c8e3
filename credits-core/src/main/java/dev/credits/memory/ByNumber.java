package dev.credits.memory;

import java.util.Arrays;
import java.util.function.Predicate;

/**
 * Values by a number (an account's entries by sequence number, the outbox's events by position), in the order of
 * their numbers: what a {@code TreeMap<Long, T>} kept, for numbers that only grow. Two parallel arrays, so adding a
 * next number appends (no tree node, no boxed key) and finding one is a binary search; a smaller number still goes
 * to its place. Not thread-safe.
 */
final class ByNumber<T> {
    private long[] numbers = new long[16];
    private Object[] values = new Object[16];
    private int size;

    int size() {
        return size;
    }

    long number(int index) {
        return numbers[index];
    }

    @SuppressWarnings("unchecked")
    T value(int index) {
        return (T) values[index];
    }

    /** Sets the value of the number (replacing one it had). */
    void put(long number, T value) {
        if (size > 0 && number <= numbers[size - 1]) {
            int found = Arrays.binarySearch(numbers, 0, size, number);
            if (found >= 0) {
                values[found] = value;
                return;
            }
            insert(-found - 1, number, value);
            return;
        }
        insert(size, number, value);
    }

    private void insert(int at, long number, T value) {
        if (size == numbers.length) {
            numbers = Arrays.copyOf(numbers, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        System.arraycopy(numbers, at, numbers, at + 1, size - at);
        System.arraycopy(values, at, values, at + 1, size - at);
        numbers[at] = number;
        values[at] = value;
        size++;
    }

    boolean contains(long number) {
        if (size == 0 || number > numbers[size - 1]) {
            return false; // the common question: is the next number free
        }
        return Arrays.binarySearch(numbers, 0, size, number) >= 0;
    }

    /** @return how many numbers are below {@code number}: the index of the first one at or above it */
    int countBelow(long number) {
        int found = Arrays.binarySearch(numbers, 0, size, number);
        return found >= 0 ? found : -found - 1;
    }

    /** @return how many numbers are at or below {@code number}: the index of the first one above it */
    int countAtOrBelow(long number) {
        int found = Arrays.binarySearch(numbers, 0, size, number);
        return found >= 0 ? found + 1 : -found - 1;
    }

    /**
     * Removes the values of numbers at or below {@code upTo} that {@code remove} accepts, keeping the others in order.
     *
     * @return how many it removed
     */
    @SuppressWarnings("unchecked")
    int removeAtOrBelow(long upTo, Predicate<T> remove) {
        int end = countAtOrBelow(upTo);
        int kept = 0;
        for (int i = 0; i < end; i++) {
            if (!remove.test((T) values[i])) {
                numbers[kept] = numbers[i];
                values[kept] = values[i];
                kept++;
            }
        }
        int removed = end - kept;
        if (removed > 0) {
            System.arraycopy(numbers, end, numbers, kept, size - end);
            System.arraycopy(values, end, values, kept, size - end);
            Arrays.fill(values, size - removed, size, null);
            size -= removed;
        }
        return removed;
    }

    void clear() {
        Arrays.fill(values, 0, size, null);
        size = 0;
    }
}
