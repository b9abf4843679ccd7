package dev.graft.support;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.SimpleValidationReportFormat;
import com.atlassian.oai.validator.report.ValidationReport;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Real HTTP against the running server, and every exchange checked against {@code openapi.yaml}:
 * a response the contract does not describe fails the test that received it, so the file cannot
 * drift from the code. Deliberately malformed requests use {@link #unchecked()}, which still
 * checks the response (every error must be a documented problem) but not the request.
 * (The validator cannot read multipart bodies: uploads are checked for everything but their form fields.)
 */
public final class ApiClient {

    static final OpenApiInteractionValidator CONTRACT = OpenApiInteractionValidator
            .createForSpecificationUrl(Path.of("openapi.yaml").toAbsolutePath().toUri().toString())
            // Most tests run in open mode, where no key is sent; the security tests check keys themselves.
            .withLevelResolver(LevelResolver.create()
                    .withLevel("validation.request.security.missing", ValidationReport.Level.IGNORE).build())
            .build();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private enum Check { EXCHANGE, RESPONSE, NONE }

    private final String base;
    private final Check check;
    private final String key;

    private ApiClient(String base, Check check, String key) {
        this.base = base;
        this.check = check;
        this.key = key;
    }

    public static ApiClient on(int port) {
        return new ApiClient("http://127.0.0.1:" + port, Check.EXCHANGE, null);
    }

    /** The same client, sending {@code Authorization: Bearer <key>} with every request. */
    public ApiClient withKey(String apiKey) {
        return new ApiClient(base, check, apiKey);
    }

    /** For requests that break the contract on purpose: only the response is checked. */
    public ApiClient unchecked() {
        return new ApiClient(base, Check.RESPONSE, key);
    }

    /**
     * For requests to operations the contract cannot describe at all (a method a path does not
     * have, a path that does not exist): nothing is checked against openapi.yaml.
     */
    public ApiClient outsideContract() {
        return new ApiClient(base, Check.NONE, key);
    }

    public Response get(String path) {
        return send("GET", path, null, null, null);
    }

    public Response delete(String path) {
        return send("DELETE", path, null, null, null);
    }

    public Response post(String path, String contentType, byte[] body) {
        return send("POST", path, contentType, body, null);
    }

    public Response upload(String path, Multipart form) {
        return send("POST", path, form.contentType(), form.bytes(), null);
    }

    /** {@code headers} are name, value pairs. */
    public Response send(String method, String path, String contentType, byte[] body, String accept, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (accept != null) {
            request.header("Accept", accept);
        }
        if (key != null) {
            headers = withAuthorization(headers);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> response;
        try {
            response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
        catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e, e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        Response result = new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(null),
                response.body(), response);
        checkContract(method, path, contentType, body, accept, headers, result);
        return result;
    }

    private String[] withAuthorization(String[] headers) {
        String[] all = java.util.Arrays.copyOf(headers, headers.length + 2);
        all[headers.length] = "Authorization";
        all[headers.length + 1] = "Bearer " + key;
        return all;
    }

    private void checkContract(String method, String path, String contentType, byte[] body, String accept, String[] headers,
            Response response) {
        if (check == Check.NONE) {
            return;
        }
        String[] parts = path.split("\\?", 2);
        SimpleRequest.Builder request = new SimpleRequest.Builder(Request.Method.valueOf(method), parts[0]);
        if (parts.length > 1) {
            for (String pair : parts[1].split("&")) {
                String[] kv = pair.split("=", 2);
                request.withQueryParam(decode(kv[0]), kv.length > 1 ? decode(kv[1]) : "");
            }
        }
        if (contentType != null) {
            request.withContentType(contentType);
        }
        if (accept != null) {
            request.withAccept(accept);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.withHeader(headers[i], headers[i + 1]);
        }
        if (body != null) {
            request.withBody(body);
        }
        SimpleResponse.Builder answer = SimpleResponse.Builder.status(response.status());
        if (response.contentType() != null) {
            answer.withContentType(response.contentType());
        }
        if (response.body() != null && !response.body().isEmpty()) {
            answer.withBody(response.body());
        }
        ValidationReport report = check == Check.EXCHANGE
                ? CONTRACT.validate(request.build(), answer.build())
                : CONTRACT.validateResponse(parts[0], Request.Method.valueOf(method), answer.build());
        if (report.hasErrors()) {
            throw new AssertionError("openapi.yaml does not describe " + method + " " + path + " -> " + response.status()
                    + "\n" + SimpleValidationReportFormat.getInstance().apply(report) + "\nbody: " + response.body());
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /**
     * Polls a fine-tuning job until it succeeds and returns its model id; fails at once when the job
     * fails or is cancelled, and after {@code timeout} otherwise.
     */
    public String awaitFineTunedModel(String job, java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode view;
        do {
            view = get("/v1/fine_tuning/jobs/" + job).json();
            String status = view.get("status").asString();
            if (status.equals("succeeded")) {
                return view.get("fine_tuned_model").asString();
            }
            if (!status.equals("queued") && !status.equals("running")) {
                throw new AssertionError("Job " + job + " ended " + status + ": " + view);
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("Job did not succeed in time: " + view);
    }

    public record Response(int status, String contentType, String body, HttpResponse<String> raw) {

        public JsonNode json() {
            return JSON.readTree(body);
        }

        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }
}
