package dev.credits.jdbc.spring;

import dev.credits.CreditsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Answers every {@link CreditsException} a controller lets through with its RFC 9457 problem details
 * ({@link CreditsProblems#of(CreditsException)}). Lowest precedence: a host's own advice for these exceptions wins.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class CreditsExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(CreditsExceptionHandler.class);

    /** @return the exception's problem details */
    @ExceptionHandler(CreditsException.class)
    public ResponseEntity<ProblemDetail> handle(CreditsException exception) {
        ProblemDetail problem = CreditsProblems.of(exception);
        if (problem.getStatus() >= 500) {
            LOG.warn("credits call failed: {}", exception.getMessage(), exception);
        }
        return ResponseEntity.of(problem).build();
    }
}
