package dev.credits.internal;

import dev.credits.ChargeDispute;
import dev.credits.ChargeDisputePage;
import dev.credits.ChargeDisputeRequest;
import dev.credits.ChargeDisputeStateException;
import dev.credits.ChargeDisputeStatistics;
import dev.credits.ChargeDisputeStatus;
import dev.credits.ChargeDisputes;
import dev.credits.EventPayload;
import dev.credits.InvalidArgumentException;
import dev.credits.LedgerEntry;
import dev.credits.PageRequest;
import dev.credits.RefundLimitException;
import dev.credits.RefundResult;
import dev.credits.UnknownDisputeException;
import dev.credits.UnknownTransactionException;
import dev.credits.spi.CreditStore;
import dev.credits.spi.DisputeQuery;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiFunction;

/**
 * The rules of users' disputes of charges: submit, review, resolve (refunding through {@link Refunds}) or reject,
 * each move once and in the account's unit of work, each announced by an event; and the reads and statistics.
 * Stateless apart from its collaborators; thread-safe.
 */
public final class DisputeRules {
    private final UnitOfWork uow;
    private final CreditStore store;
    private final Refunds refunds;

    public DisputeRules(UnitOfWork uow, CreditStore store, Refunds refunds) {
        this.uow = uow;
        this.store = store;
        this.refunds = refunds;
    }

    public ChargeDispute submit(ChargeDisputeRequest request) {
        Checks.required("request", request);
        String accountId = Checks.id("accountId", request.accountId());
        String transactionId = Checks.id("transactionId", request.transactionId());
        String reason = Checks.requiredText("reason", request.reason());
        if (reason.length() > ChargeDisputes.MAX_REASON_LENGTH) {
            throw new InvalidArgumentException("reason", "at most " + ChargeDisputes.MAX_REASON_LENGTH
                    + " characters: " + reason.length());
        }
        String description = Checks.text("description", request.description());
        Checks.positive("creditsRequested", request.creditsRequested());
        // A charge of another account is unknown to this one: the same answer as no such charge.
        if (!store.findAccountOfTransaction(transactionId).map(accountId::equals).orElse(false)) {
            throw new UnknownTransactionException(transactionId);
        }
        return uow.mutate(accountId, session -> {
            LedgerEntry original = Refunds.original(session, transactionId);
            for (ChargeDispute earlier : session.tx().findDisputes(transactionId)) {
                if (!earlier.status().closed()) {
                    throw new ChargeDisputeStateException(earlier.disputeId(), earlier.status(),
                            "charge '" + transactionId + "' already has a dispute in progress");
                }
            }
            long refundable = -original.amount() - Refunds.refunded(session, transactionId);
            if (request.creditsRequested() > refundable) {
                // Refunded in full already (refundable 0), or more asked than is left.
                throw new RefundLimitException(transactionId, request.creditsRequested(), refundable);
            }
            ChargeDispute dispute = new ChargeDispute(AccountSession.newId(), accountId, transactionId,
                    original.creditType(), reason, description, request.creditsRequested(), ChargeDisputeStatus.OPEN,
                    session.actor(), session.now(), null, null, null, null, 0, null, null, 0);
            return changed(session, dispute);
        });
    }

    public ChargeDispute review(String disputeId) {
        return move(disputeId, (session, dispute) -> {
            require(dispute, ChargeDisputeStatus.OPEN, "only an OPEN dispute can be taken for review");
            return changed(session, dispute.underReview(session.actor(), session.now(), 0));
        });
    }

    public ChargeDispute resolve(String disputeId, long credits, String note) {
        Checks.notNegative("credits", credits);
        String resolution = Checks.requiredText("note", note);
        return move(disputeId, (session, dispute) -> {
            require(dispute, ChargeDisputeStatus.UNDER_REVIEW, "only a dispute under review can be resolved");
            if (credits > dispute.creditsRequested()) {
                throw new InvalidArgumentException("credits", credits + " is more than the "
                        + dispute.creditsRequested() + " requested");
            }
            String refundId = null;
            if (credits > 0) {
                // Through the refund rules (back to the original lots), keyed by the dispute: it happens once.
                RefundResult refund = refunds.refundIn(session, dispute.transactionId(), credits,
                        "dispute " + disputeId + ": " + resolution, "dispute:" + disputeId);
                refundId = refund.transactionId();
            }
            return changed(session, dispute.closed(ChargeDisputeStatus.RESOLVED, session.actor(), session.now(),
                    credits, resolution, refundId, 0));
        });
    }

    public ChargeDispute reject(String disputeId, String note) {
        String resolution = Checks.requiredText("note", note);
        return move(disputeId, (session, dispute) -> {
            require(dispute, ChargeDisputeStatus.UNDER_REVIEW, "only a dispute under review can be rejected");
            return changed(session, dispute.closed(ChargeDisputeStatus.REJECTED, session.actor(), session.now(), 0,
                    resolution, null, 0));
        });
    }

    private static void require(ChargeDispute dispute, ChargeDisputeStatus status, String message) {
        if (dispute.status() != status) {
            throw new ChargeDisputeStateException(dispute.disputeId(), dispute.status(), message);
        }
    }

    /** Runs a move on the dispute as stored under its account's lock. */
    private ChargeDispute move(String disputeId, BiFunction<AccountSession, ChargeDispute, ChargeDispute> work) {
        Checks.id("disputeId", disputeId);
        ChargeDispute found = get(disputeId).orElseThrow(() -> new UnknownDisputeException(disputeId));
        return uow.mutate(found.accountId(), session -> work.apply(session,
                session.tx().findDisputes(found.transactionId()).stream()
                        .filter(d -> d.disputeId().equals(disputeId)).findFirst()
                        .orElseThrow(() -> new UnknownDisputeException(disputeId))));
    }

    /** Writes the dispute with its event: @return it as written */
    private static ChargeDispute changed(AccountSession session, ChargeDispute dispute) {
        session.putDispute(dispute);
        session.emit(dispute.creditType(), new EventPayload.ChargeDisputeChanged(dispute.disputeId(),
                dispute.transactionId(), dispute.status(), dispute.creditsRequested(), dispute.creditsRefunded()));
        long sequence = session.write();
        return new ChargeDispute(dispute.disputeId(), dispute.accountId(), dispute.transactionId(),
                dispute.creditType(), dispute.reason(), dispute.description(), dispute.creditsRequested(),
                dispute.status(), dispute.submittedBy(), dispute.submittedAt(), dispute.reviewedBy(),
                dispute.reviewedAt(), dispute.resolvedBy(), dispute.resolvedAt(), dispute.creditsRefunded(),
                dispute.resolutionNote(), dispute.refundId(), sequence);
    }

    // ------------------------------------------------------------ reads

    public Optional<ChargeDispute> get(String disputeId) {
        Checks.id("disputeId", disputeId);
        List<ChargeDispute> found = store.findDisputes(new DisputeQuery(disputeId, null, null, null, null, null, null,
                1));
        return found.stream().findFirst();
    }

    public ChargeDisputePage ofAccount(String accountId, PageRequest page) {
        Checks.id("accountId", accountId);
        return page(accountId, null, page);
    }

    public ChargeDisputePage queue(ChargeDisputeStatus status, PageRequest page) {
        Checks.required("status", status);
        return page(null, status, page);
    }

    private ChargeDisputePage page(String accountId, ChargeDisputeStatus status, PageRequest page) {
        Checks.required("page", page);
        Checks.pageLimit(page.limit());
        Instant afterAt = null;
        String afterId = null;
        if (page.cursor() != null) {
            int bar = page.cursor().indexOf('|');
            try {
                afterAt = Instant.ofEpochMilli(Long.parseLong(page.cursor().substring(0, bar)));
                afterId = page.cursor().substring(bar + 1);
            } catch (RuntimeException e) {
                throw new InvalidArgumentException("cursor", "not a cursor of disputes: " + page.cursor());
            }
        }
        List<ChargeDispute> found = store.findDisputes(new DisputeQuery(null, accountId, status, null, null, afterAt,
                afterId, page.limit() + 1));
        boolean more = found.size() > page.limit();
        List<ChargeDispute> shown = more ? found.subList(0, page.limit()) : found;
        ChargeDispute last = more ? shown.get(shown.size() - 1) : null;
        return new ChargeDisputePage(shown, last == null ? null
                : last.submittedAt().toEpochMilli() + "|" + last.disputeId());
    }

    /** Reads every dispute submitted in [from, to) in pages and counts them. */
    public ChargeDisputeStatistics statistics(Instant from, Instant to) {
        Checks.instant("from", from);
        Checks.instant("to", to);
        if (!to.isAfter(from)) {
            throw new InvalidArgumentException("to", "must be after from");
        }
        Map<ChargeDisputeStatus, Long> byStatus = new EnumMap<>(ChargeDisputeStatus.class);
        for (ChargeDisputeStatus status : ChargeDisputeStatus.values()) {
            byStatus.put(status, 0L);
        }
        Map<String, Long> byReason = new TreeMap<>();
        List<Duration> times = new ArrayList<>();
        long requested = 0;
        long refunded = 0;
        Instant afterAt = null;
        String afterId = null;
        while (true) {
            List<ChargeDispute> page = store.findDisputes(new DisputeQuery(null, null, null, from, to, afterAt, afterId,
                    PageRequest.MAX_LIMIT));
            for (ChargeDispute dispute : page) {
                byStatus.merge(dispute.status(), 1L, Long::sum);
                byReason.merge(dispute.reason(), 1L, Long::sum);
                requested += dispute.creditsRequested();
                refunded += dispute.creditsRefunded();
                if (dispute.status().closed()) {
                    times.add(dispute.timeToResolution());
                }
            }
            if (page.size() < PageRequest.MAX_LIMIT) {
                break;
            }
            ChargeDispute last = page.get(page.size() - 1);
            afterAt = last.submittedAt();
            afterId = last.disputeId();
        }
        times.sort(null);
        return new ChargeDisputeStatistics(from, to, byStatus, byReason, percentile(times, 50), percentile(times, 90),
                requested, refunded);
    }

    /** @return the nearest-rank percentile, or null of none */
    static Duration percentile(List<Duration> sorted, int percent) {
        if (sorted.isEmpty()) {
            return null;
        }
        int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }
}
