package dev.graft.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerExceptionResolver;

import dev.graft.web.ApiProblem;
import dev.graft.web.FieldError;
import dev.graft.web.ProblemType;

/**
 * Every refusal of the security chain as an RFC 9457 problem: 401 without a live key (with
 * {@code WWW-Authenticate}), 403 with a key of the wrong role, 400 for a request the firewall
 * rejects, 404 for the admin API in open mode. They are handed to Spring MVC's exception
 * resolvers, so they pass through the same rendering (type, title, request id, log line) as the
 * errors of controllers.
 */
@Component
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class SecurityProblems implements AuthenticationEntryPoint, AccessDeniedHandler, RequestRejectedHandler {

    private static final String ADMIN_KEY = "Authorization: Bearer <graft.security.admin-key>";
    /** The methods StrictHttpFirewall lets through by default. */
    private static final Set<String> METHODS = Set.of("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT");

    private final HandlerExceptionResolver resolver;
    private final SecurityProperties properties;

    SecurityProblems(@Qualifier("handlerExceptionResolver") HandlerExceptionResolver resolver, SecurityProperties properties) {
        this.resolver = resolver;
        this.properties = properties;
    }

    /** No live key for a route that needs one; in open mode only the admin API is ever refused. */
    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException failure) {
        if (failure instanceof AuthenticationServiceException && failure.getCause() instanceof Exception cause) {
            render(request, response, cause); // the key store failed (the database is down), not the key
            return;
        }
        if (properties.openMode()) {
            render(request, response, new ApiProblem(HttpStatus.NOT_FOUND, ProblemType.NOT_FOUND,
                    "The admin API is off in open mode; set graft.security.admin-key to manage tenants and keys"));
            return;
        }
        if (!SecurityConfiguration.API.matches(request) && !SecurityConfiguration.ACTUATOR.matches(request)) {
            render(request, response, nothingServed());
            return;
        }
        boolean keySent = failure instanceof BadCredentialsException;
        String detail;
        if (SecurityConfiguration.ADMIN_API.matches(request)) {
            detail = "The admin API needs the admin key: " + ADMIN_KEY + (keySent ? "; the key sent is not valid" : "");
        }
        else if (SecurityConfiguration.ACTUATOR.matches(request)) {
            detail = "Actuator endpoints other than /actuator/health need the admin key: " + ADMIN_KEY
                    + (keySent ? "; the key sent is not valid" : "");
        }
        else {
            detail = keySent ? "The API key sent in Authorization: Bearer is not valid (unknown or revoked)"
                    : "Send an API key: Authorization: Bearer <key>";
        }
        ApiProblem problem = new ApiProblem(HttpStatus.UNAUTHORIZED, ProblemType.UNAUTHORIZED, detail);
        problem.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"graft\"");
        render(request, response, problem);
    }

    /** A live key of the wrong role, or a path outside what Graft serves. */
    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied) {
        Authentication caller = SecurityContextHolder.getContext().getAuthentication();
        boolean admin = caller instanceof ApiKeyAuthentication key && key.isAdmin();
        ApiProblem problem;
        if (SecurityConfiguration.ADMIN_API.matches(request)) {
            problem = forbidden("The admin API takes only the admin key (" + ADMIN_KEY + "); this is a tenant's API key");
        }
        else if (SecurityConfiguration.ACTUATOR.matches(request)) {
            problem = forbidden("Actuator endpoints other than /actuator/health take only the admin key (" + ADMIN_KEY
                    + "); this is a tenant's API key");
        }
        else if (admin && SecurityConfiguration.API.matches(request)) {
            problem = forbidden("This is the admin key; it works only on /v1/admin/... (and the actuator). "
                    + "Use a tenant's API key for the rest of /v1");
        }
        else {
            problem = nothingServed();
        }
        render(request, response, problem);
    }

    /** StrictHttpFirewall's refusal; its message is not shown, as no exception text ever is. */
    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, RequestRejectedException rejected) {
        String detail;
        FieldError error;
        if (!METHODS.contains(request.getMethod())) {
            detail = "The HTTP method '" + request.getMethod() + "' is not one Graft accepts";
            error = new FieldError("method", "is not one of " + String.join(", ", METHODS.stream().sorted().toList()));
        }
        else if (rejected.getMessage() != null && rejected.getMessage().contains("URL")) {
            detail = "The request path is not plain and normalised: Graft refuses ';' path parameters, empty ('//') and "
                    + "dot ('.', '..') segments, and an encoded '/', '\\', '.' or '%'; send the path as openapi.yaml spells it";
            error = new FieldError("path", "is not plain and normalised");
        }
        else {
            detail = "A header, parameter or host name of the request has characters Graft does not accept";
            error = new FieldError("headers", "have characters Graft does not accept");
        }
        render(request, response, new ApiProblem(HttpStatus.BAD_REQUEST, ProblemType.INVALID_REQUEST, detail,
                List.of(error), 1));
    }

    /** Whoever asks, with or without a key: no route outside /v1 and the actuator. */
    private static ApiProblem nothingServed() {
        return new ApiProblem(HttpStatus.NOT_FOUND, ProblemType.NOT_FOUND,
                "Nothing is served at this path: Graft's API is under /v1 (see openapi.yaml)");
    }

    private static ApiProblem forbidden(String detail) {
        return new ApiProblem(HttpStatus.FORBIDDEN, ProblemType.FORBIDDEN, detail);
    }

    private void render(HttpServletRequest request, HttpServletResponse response, Exception problem) {
        if (resolver.resolveException(request, response, null, problem) == null) {
            // Not expected (ApiErrorHandler handles every exception); the container's error page is still a problem.
            try {
                response.sendError(problem instanceof ApiProblem p ? p.getStatusCode().value() : 500);
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
