package dev.graft.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;

/**
 * One deliberately bad request, the status it must get and a word its problem must say (the
 * field, line, instance index or archive entry at fault): a row of the bad-input suites.
 */
public record BadInput(String name, Call call, int status, String mustMention) {

    /** Problems speak the API's language: a package-qualified name is the server's internals leaking. */
    private static final Pattern JAVA_NAME = Pattern.compile("\\b(dev\\.graft|java|javax|jakarta|tools\\.jackson|org\\.springframework|org\\.apache)\\.[a-z]");

    public static BadInput bad(String name, Call call, int status, String mustMention) {
        return new BadInput(name, call, status, mustMention);
    }

    /** The name alone, so a parameterized test's report lists the cases by what they try. */
    @Override
    public String toString() {
        return name;
    }

    /**
     * Sends the request and checks that it was refused as a problem that names the fault, and
     * that {@code state} reads the same afterwards as before.
     */
    public void assertRefusedBy(ApiClient api, Supplier<StoredState> state) {
        StoredState before = state.get();

        ApiClient.Response response = call.send(api);

        assertThat(response.status()).as("%s -> %s", name, response).isEqualTo(status);
        assertThat(response.contentType()).as("%s: Content-Type of %s", name, response).startsWith("application/problem+json");
        JsonNode problem = response.json();
        assertThat(problem.path("status").asInt()).as("%s: problem status", name).isEqualTo(status);
        assertThat(problem.path("type").asString("")).as("%s: problem type", name).startsWith("/problems/");
        assertThat(problem.path("title").asString("")).as("%s: problem title", name).isNotBlank();
        assertThat(problem.path("request_id").asString("")).as("%s: request id", name).isEqualTo(response.header("X-Request-Id"));
        assertThat(said(problem)).as("%s: detail and errors of %s", name, response).anyMatch(s -> s.contains(mustMention))
                .as("%s: Java names in %s", name, response).noneMatch(s -> JAVA_NAME.matcher(s).find());
        assertThat(state.get()).as("%s: stored state after the request", name).isEqualTo(before);
    }

    /** The detail, and each error's location and message. */
    private static List<String> said(JsonNode problem) {
        List<String> said = new ArrayList<>();
        said.add(problem.path("detail").asString(""));
        problem.path("errors").forEach(e -> {
            said.add(e.path("location").asString(""));
            said.add(e.path("message").asString(""));
        });
        return said;
    }

    /** A request as {@link ApiClient} sends it; bad requests are checked against the contract by their response only. */
    public record Call(String method, String path, String contentType, byte[] body, String accept, List<String> headers,
            boolean outsideContract) {

        public static Call get(String path) {
            return new Call("GET", path, null, null, null, List.of(), false);
        }

        public static Call delete(String path) {
            return new Call("DELETE", path, null, null, null, List.of(), false);
        }

        public static Call post(String path, String contentType, byte[] body) {
            return new Call("POST", path, contentType, body, null, List.of(), false);
        }

        public static Call json(String path, String json) {
            return post(path, "application/json", json.getBytes(StandardCharsets.UTF_8));
        }

        public static Call upload(String path, Multipart form) {
            return post(path, form.contentType(), form.bytes());
        }

        public Call accept(String mediaType) {
            return new Call(method, path, contentType, body, mediaType, headers, outsideContract);
        }

        public Call header(String name, String value) {
            List<String> more = new ArrayList<>(headers);
            more.add(name);
            more.add(value);
            return new Call(method, path, contentType, body, accept, List.copyOf(more), outsideContract);
        }

        /** With another method: openapi.yaml has no operation to check the answer against. */
        public Call method(String other) {
            return new Call(other, path, contentType, body, accept, headers, true);
        }

        ApiClient.Response send(ApiClient api) {
            ApiClient client = outsideContract ? api.outsideContract() : api.unchecked();
            return client.send(method, path, contentType, body, accept, headers.toArray(String[]::new));
        }
    }
}
