/** {@link dev.credits.memory.InMemoryCreditStore}: the store for tests and small embedded uses. */
package dev.credits.memory;
