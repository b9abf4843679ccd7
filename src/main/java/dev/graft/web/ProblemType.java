package dev.graft.web;

import java.net.URI;

/**
 * The stable problem types Graft answers with (RFC 9457 {@code type}). Clients switch on these,
 * so a type URI never changes once published; titles are the short human summary.
 */
public enum ProblemType {
    INVALID_REQUEST("/problems/invalid-request", "Invalid request"),
    VALIDATION("/problems/validation", "Validation failed"),
    INVALID_DATASET("/problems/invalid-dataset", "Invalid dataset"),
    NOT_FOUND("/problems/not-found", "Not found"),
    UNAUTHORIZED("/problems/unauthorized", "Unauthorized"),
    FORBIDDEN("/problems/forbidden", "Forbidden"),
    QUOTA_EXCEEDED("/problems/quota-exceeded", "Quota exceeded"),
    RATE_LIMITED("/problems/rate-limited", "Too many requests"),
    METHOD_NOT_ALLOWED("/problems/method-not-allowed", "Method not allowed"),
    NOT_ACCEPTABLE("/problems/not-acceptable", "Not acceptable"),
    CONFLICT("/problems/conflict", "Conflict"),
    PAYLOAD_TOO_LARGE("/problems/payload-too-large", "Payload too large"),
    UNSUPPORTED_MEDIA_TYPE("/problems/unsupported-media-type", "Unsupported media type"),
    SERVICE_UNAVAILABLE("/problems/service-unavailable", "Service unavailable"),
    INTERNAL("/problems/internal", "Internal server error");

    private final URI type;
    private final String title;

    ProblemType(String type, String title) {
        this.type = URI.create(type);
        this.title = title;
    }

    public URI type() {
        return type;
    }

    public String title() {
        return title;
    }

    /** The type Graft uses for a status when the framework raised the error. */
    static ProblemType forStatus(int status) {
        return switch (status) {
            case 400 -> INVALID_REQUEST;
            case 401 -> UNAUTHORIZED;
            case 403 -> FORBIDDEN;
            case 404 -> NOT_FOUND;
            case 405 -> METHOD_NOT_ALLOWED;
            case 406 -> NOT_ACCEPTABLE;
            case 409 -> CONFLICT;
            case 413 -> PAYLOAD_TOO_LARGE;
            case 415 -> UNSUPPORTED_MEDIA_TYPE;
            case 422 -> VALIDATION;
            case 503 -> SERVICE_UNAVAILABLE;
            default -> status >= 500 ? INTERNAL : INVALID_REQUEST;
        };
    }
}
