package dev.graft.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import org.springframework.dao.DataAccessException;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;

/**
 * Decides whom a bearer key stands for: the admin key (compared in constant time) gets the admin
 * role, a live tenant key ({@link ApiKeys#authenticate}) the tenant role with its {@link Caller};
 * anything else is refused. Being a bean, it also keeps Spring Boot from making its default user
 * with a generated password.
 */
@Component
class ApiKeyAuthenticationProvider implements AuthenticationProvider {

    private final SecurityProperties properties;
    private final ApiKeys keys;

    ApiKeyAuthenticationProvider(SecurityProperties properties, ApiKeys keys) {
        this.properties = properties;
        this.keys = keys;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String key = (String) authentication.getCredentials();
        if (!properties.openMode() && constantTimeEquals(key, properties.adminKey())) {
            return ApiKeyAuthentication.admin();
        }
        try {
            return keys.authenticate(key).map(ApiKeyAuthentication::tenant)
                    .orElseThrow(() -> new BadCredentialsException("unknown or revoked API key"));
        }
        catch (DataAccessException e) {
            // Not the caller's fault: SecurityProblems renders the cause (503 when the database is down).
            throw new AuthenticationServiceException("The API key could not be looked up", e);
        }
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return ApiKeyAuthentication.class.isAssignableFrom(authentication);
    }

    private static boolean constantTimeEquals(String given, String expected) {
        return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                expected.getBytes(StandardCharsets.UTF_8));
    }
}
