package dev.graft.security;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.authentication.AuthenticationFilter;
import org.springframework.security.web.savedrequest.NullRequestCache;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.NegatedRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Who may reach what, decided by Spring Security on the normalised path (percent-decoded, path
 * parameters stripped: the path Spring MVC routes on), behind the default {@code StrictHttpFirewall}
 * that refuses {@code ;}, {@code //}, dot segments and encoded {@code / \ . %} outright.
 * <ul>
 * <li>With an admin key: {@code /v1/admin/**} and the actuator (but health) need the admin key,
 * the rest of {@code /v1/**} a tenant's key; nothing else is served.
 * <li>Open mode: every request is the one tenant's ({@link Caller#openMode()}), except the admin
 * API, which is off.
 * </ul>
 * Stateless: no session, no CSRF token (no cookies are read, so there is nothing to forge), no
 * login form or basic auth, no saved request. None of the filters reads request parameters, so a
 * multipart body is still parsed only when a controller asks for it, after this chain said yes.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET) // a worker process serves no HTTP
class SecurityConfiguration {

    static final RequestMatcher ADMIN_API = PathPatternRequestMatcher.withDefaults().matcher("/v1/admin/**");
    static final RequestMatcher API = PathPatternRequestMatcher.withDefaults().matcher("/v1/**");
    static final RequestMatcher HEALTH = EndpointRequest.to("health");
    static final RequestMatcher ACTUATOR = EndpointRequest.toAnyEndpoint();

    @Bean
    SecurityFilterChain apiSecurity(HttpSecurity http, SecurityProperties properties, SecurityProblems problems,
            ApiKeyAuthenticationProvider keys) throws Exception {
        http.csrf(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.requestCache(new NullRequestCache()))
                .exceptionHandling(handling -> handling.authenticationEntryPoint(problems).accessDeniedHandler(problems));
        if (properties.openMode()) {
            // Without a key, a request is the one tenant of open mode (the server is on loopback only).
            http.anonymous(anonymous -> anonymous.principal(Caller.openMode())
                    .authorities("ROLE_" + ApiKeyAuthentication.TENANT))
                    .authorizeHttpRequests(requests -> requests
                            .dispatcherTypeMatchers(DispatcherType.ERROR, DispatcherType.ASYNC).permitAll()
                            .requestMatchers(ADMIN_API).denyAll()
                            .anyRequest().permitAll());
            return http.build();
        }
        AuthenticationFilter bearer = new AuthenticationFilter(new ProviderManager(keys), SecurityConfiguration::bearerKey);
        bearer.setSuccessHandler((request, response, authentication) -> {
            // Carry on down the chain: there is no page to send an API client to.
        });
        bearer.setFailureHandler(problems::commence);
        // Health needs no key, so a stale one sent by a load balancer must not turn it into a 401.
        bearer.setRequestMatcher(new NegatedRequestMatcher(HEALTH));
        http.addFilterBefore(bearer, AnonymousAuthenticationFilter.class)
                .authorizeHttpRequests(requests -> requests
                        // An error page or an async result belongs to a request this chain already let through.
                        .dispatcherTypeMatchers(DispatcherType.ERROR, DispatcherType.ASYNC).permitAll()
                        .requestMatchers(HEALTH).permitAll()
                        .requestMatchers(ACTUATOR).hasRole(ApiKeyAuthentication.ADMIN)
                        .requestMatchers(ADMIN_API).hasRole(ApiKeyAuthentication.ADMIN)
                        .requestMatchers(API).hasRole(ApiKeyAuthentication.TENANT)
                        .anyRequest().denyAll());
        return http.build();
    }

    /** {@code Authorization: Bearer <key>}; anything else is no key at all. */
    private static ApiKeyAuthentication bearerKey(HttpServletRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String key = header.substring(7).strip();
        return key.isEmpty() ? null : ApiKeyAuthentication.unauthenticated(key);
    }
}
