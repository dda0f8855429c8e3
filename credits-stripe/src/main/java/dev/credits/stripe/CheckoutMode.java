package dev.credits.stripe;

/** The mode of a Checkout Session credits creates. */
public enum CheckoutMode {
    /** A one-time payment (a credit package). */
    PAYMENT("payment"),
    /** A recurring subscription (a plan). */
    SUBSCRIPTION("subscription");

    private final String wireValue;

    CheckoutMode(String wireValue) {
        this.wireValue = wireValue;
    }

    /** @return the value of Stripe's {@code mode} parameter, e.g. {@code payment} */
    public String wireValue() {
        return wireValue;
    }
}
