package dev.credits;

/** No event consumer has this name ({@link Events#createConsumer} creates one). Nothing was changed. */
public final class UnknownConsumerException extends CreditsException {
    private static final long serialVersionUID = 1L;

    private final String consumer;

    public UnknownConsumerException(String consumer) {
        super("no event consumer named '" + consumer + "'; nothing was changed");
        this.consumer = consumer;
    }

    /** @return the name asked for */
    public String consumer() {
        return consumer;
    }
}
