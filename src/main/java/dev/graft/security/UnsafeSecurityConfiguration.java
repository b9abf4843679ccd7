package dev.graft.security;

/** A security setting Graft will not start with; {@link SecurityFailureAnalyzer} prints it. */
class UnsafeSecurityConfiguration extends RuntimeException {

    private final String action;

    UnsafeSecurityConfiguration(String description, String action) {
        super(description);
        this.action = action;
    }

    String action() {
        return action;
    }
}
