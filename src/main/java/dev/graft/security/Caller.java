package dev.graft.security;

/**
 * Who sent a request: the tenant that owns what it reads and writes, and the key it used (null in
 * open mode). Controllers take it as a parameter; features scope every lookup by {@link #tenantId()}.
 */
public record Caller(String tenantId, String keyId) {

    /** The tenant of open mode, and the owner of everything made before tenants existed. */
    public static final String DEFAULT_TENANT = "tenant_default";

    static Caller openMode() {
        return new Caller(DEFAULT_TENANT, null);
    }
}
