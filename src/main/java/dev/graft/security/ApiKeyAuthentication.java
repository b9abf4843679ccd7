package dev.graft.security;

import java.util.List;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;

/**
 * A request's bearer key for Spring Security: before authentication the key alone; after it, who
 * the key stands for (a tenant's {@link Caller}, or {@link #ADMIN_PRINCIPAL}) and that one role.
 */
final class ApiKeyAuthentication extends AbstractAuthenticationToken {

    static final String ADMIN = "ADMIN";
    static final String TENANT = "TENANT";
    static final String ADMIN_PRINCIPAL = "admin";

    private final Object principal;
    private String key;

    private ApiKeyAuthentication(Object principal, String key, String role) {
        super(role == null ? List.of() : AuthorityUtils.createAuthorityList("ROLE_" + role));
        this.principal = principal;
        this.key = key;
        setAuthenticated(role != null);
    }

    static ApiKeyAuthentication unauthenticated(String key) {
        return new ApiKeyAuthentication(null, key, null);
    }

    static ApiKeyAuthentication admin() {
        return new ApiKeyAuthentication(ADMIN_PRINCIPAL, null, ADMIN);
    }

    static ApiKeyAuthentication tenant(Caller caller) {
        return new ApiKeyAuthentication(caller, null, TENANT);
    }

    boolean isAdmin() {
        return ADMIN_PRINCIPAL.equals(principal);
    }

    @Override
    public Object getPrincipal() {
        return principal;
    }

    @Override
    public Object getCredentials() {
        return key;
    }

    @Override
    public void eraseCredentials() {
        super.eraseCredentials();
        key = null;
    }
}
