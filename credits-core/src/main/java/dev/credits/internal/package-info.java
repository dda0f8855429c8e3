/** Internal: the ledger's rules. Not API; may change in any release. */
package dev.credits.internal;
