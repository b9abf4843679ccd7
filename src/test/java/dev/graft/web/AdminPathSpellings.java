package dev.graft.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.graft.support.RawHttp;

/**
 * Ways to spell an admin path that a check on the raw request URI misses and a router that
 * decodes the path may still follow: percent-encoded letters, path parameters, empty and dot
 * segments, encoded separators, case, a trailing slash. Each row has the status a tenant's key
 * must get (with an admin key configured) and the status open mode must give.
 */
final class AdminPathSpellings {

    private static final Pattern JAVA_NAME = Pattern.compile("\\b(dev\\.graft|java|jakarta|org\\.springframework|org\\.apache)\\.[a-z]");

    private AdminPathSpellings() {
    }

    /**
     * @param template    the path, {@code {rest}} standing for what follows {@code /v1/admin/} ({@code {est}} for
     *                    it without its first letter), {@code {port}} for the server's port
     * @param withTenantKey the status of a GET with a tenant's key when keys are on
     * @param inOpenMode  the status of the same GET in open mode
     */
    record Spelling(String name, String template, int withTenantKey, int inOpenMode) {

        String path(int port, String rest) {
            return template.replace("{rest}", rest).replace("{est}", rest.substring(1)).replace("{port}", Integer.toString(port));
        }

        @Override
        public String toString() {
            return name + ": " + template;
        }
    }

    static Stream<Spelling> spellings() {
        return Stream.of(
                // Decoded, these are /v1/admin/...: the security rules must see them so (403, or off in open mode).
                new Spelling("percent-encoded a", "/v1/%61dmin/{rest}", 403, 404),
                new Spelling("percent-encoded i", "/v1/adm%69n/{rest}", 403, 404),
                new Spelling("every letter percent-encoded, upper-case hex", "/v1/%61%64%6D%69%6E/{rest}", 403, 404),
                new Spelling("percent-encoded v of v1", "/%761/admin/{rest}", 403, 404),
                new Spelling("percent-encoded letter after admin", "/v1/admin/%74{est}", 403, 404),
                new Spelling("trailing slash", "/v1/admin/{rest}/", 403, 404),
                new Spelling("absolute-form request target", "http://127.0.0.1:{port}/v1/admin/{rest}", 403, 404),
                // Refused outright by the request firewall.
                new Spelling("empty path parameter", "/v1/admin;/{rest}", 400, 400),
                new Spelling("path parameter", "/v1/admin;x=y/{rest}", 400, 400),
                new Spelling("path parameter on v1", "/v1;x=y/admin/{rest}", 400, 400),
                new Spelling("path parameter at the end", "/v1/admin/{rest};", 400, 400),
                new Spelling("percent-encoded semicolon", "/v1/admin%3B/{rest}", 400, 400),
                new Spelling("double slash", "/v1//admin/{rest}", 400, 400),
                new Spelling("leading double slash", "//v1/admin/{rest}", 400, 400),
                new Spelling("dot segment", "/v1/./admin/{rest}", 400, 400),
                new Spelling("dot-dot segment", "/v1/x/../admin/{rest}", 400, 400),
                new Spelling("percent-encoded dot segment", "/v1/%2e/admin/{rest}", 400, 400),
                new Spelling("percent-encoded dot-dot segment", "/v1/x/%2E%2E/admin/{rest}", 400, 400),
                new Spelling("double-encoded a", "/v1/%2561dmin/{rest}", 400, 400),
                // Refused by Tomcat before any filter.
                new Spelling("percent-encoded slash", "/v1%2fadmin/{rest}", 400, 400),
                new Spelling("percent-encoded slash, upper case", "/v1/admin%2F{rest}", 400, 400),
                new Spelling("percent-encoded backslash", "/v1/admin%5c{rest}", 400, 400),
                new Spelling("raw backslash", "/v1\\admin\\{rest}", 400, 400),
                // Not the admin path at all (routing is case-sensitive): no such resource.
                new Spelling("upper-case ADMIN", "/v1/ADMIN/{rest}", 404, 404),
                new Spelling("upper-case V1", "/V1/admin/{rest}", 404, 404),
                new Spelling("percent-encoded upper-case A", "/v1/%41dmin/{rest}", 404, 404));
    }

    /** A refusal as every other error: a problem with a type, a title and the request's id, and nothing internal. */
    static void assertProblem(String what, RawHttp.Response response) {
        assertThat(response.status()).as("%s -> %s", what, response).isBetween(400, 499);
        assertThat(response.header("Content-Type")).as("%s: Content-Type of %s", what, response)
                .startsWith("application/problem+json");
        var problem = response.json();
        assertThat(problem.path("status").asInt()).as("%s: problem status", what).isEqualTo(response.status());
        assertThat(problem.path("type").asString("")).as("%s: problem type", what).startsWith("/problems/");
        assertThat(problem.path("title").asString("")).as("%s: problem title", what).isNotBlank();
        assertThat(problem.path("detail").asString("")).as("%s: problem detail", what).isNotBlank()
                .doesNotContainPattern(JAVA_NAME);
        assertThat(problem.path("request_id").asString("")).as("%s: request id", what).isNotBlank()
                .isEqualTo(response.header("X-Request-Id"));
        assertThat(problem.has("object")).as("%s: an API object in %s", what, response).isFalse();
    }
}
