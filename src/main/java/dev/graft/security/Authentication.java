package dev.graft.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerInterceptor;

import dev.graft.web.ApiProblem;
import dev.graft.web.ProblemType;

/**
 * Checks the bearer key of every {@code /v1} request before its handler runs, and records the
 * {@link Caller}. An interceptor, not a servlet filter, so its refusals go through the same
 * problem rendering (with request id) as every other error; multipart bodies are parsed lazily,
 * so an unauthenticated upload is refused before it is spooled to disk.
 */
@Component
class Authentication implements HandlerInterceptor {

    static final String CALLER = Authentication.class.getName() + ".caller";
    private static final String ADMIN_PATH = "/v1/admin/";

    private final SecurityProperties properties;
    private final ApiKeys keys;

    Authentication(SecurityProperties properties, ApiKeys keys) {
        this.properties = properties;
        this.keys = keys;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        boolean admin = request.getRequestURI().startsWith(ADMIN_PATH);
        if (properties.openMode()) {
            if (admin) {
                throw new ApiProblem(HttpStatus.NOT_FOUND, ProblemType.NOT_FOUND,
                        "The admin API is off in open mode; set graft.security.admin-key to manage tenants and keys");
            }
            request.setAttribute(CALLER, Caller.openMode());
            return true;
        }
        String key = bearer(request);
        if (admin) {
            if (!constantTimeEquals(key, properties.adminKey())) {
                throw unauthorized("The admin API needs the admin key: Authorization: Bearer <graft.security.admin-key>");
            }
            return true;
        }
        Caller caller = keys.authenticate(key).orElseThrow(() -> unauthorized(key == null
                ? "Send an API key: Authorization: Bearer <key>"
                : "The API key sent in Authorization: Bearer is not valid (unknown or revoked)"));
        request.setAttribute(CALLER, caller);
        return true;
    }

    private static String bearer(HttpServletRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String key = header.substring(7).strip();
        return key.isEmpty() ? null : key;
    }

    private static boolean constantTimeEquals(String given, String expected) {
        return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                expected.getBytes(StandardCharsets.UTF_8));
    }

    private static ApiProblem unauthorized(String detail) {
        ApiProblem problem = new ApiProblem(HttpStatus.UNAUTHORIZED, ProblemType.UNAUTHORIZED, detail);
        problem.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"graft\"");
        return problem;
    }
}
