package dev.graft.security;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code graft.security.*}. With an admin key the service is multi-tenant and every request needs a key;
 * without one it runs in open mode: one tenant, no authentication, and only on a loopback address.
 *
 * @param adminKey the key that manages tenants and keys under {@code /v1/admin}; never has a default
 *                 (set {@code GRAFT_SECURITY_ADMIN_KEY}); at least {@value #MIN_ADMIN_KEY_LENGTH} characters
 */
@ConfigurationProperties("graft.security")
public record SecurityProperties(String adminKey) {

    static final int MIN_ADMIN_KEY_LENGTH = 32;

    public boolean openMode() {
        return adminKey == null || adminKey.isBlank();
    }
}
