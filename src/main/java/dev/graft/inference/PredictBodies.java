package dev.graft.inference;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.multipart.MultipartHttpServletRequest;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.graft.web.ApiProblem;
import dev.graft.web.FieldError;
import dev.graft.web.ProblemType;

/**
 * Reads a predict request's body within {@code graft.inference.max-request-size} and, for uploads,
 * {@code max-file-size} per file: the declared length is checked before a byte is read, and the
 * bytes as they are read, since a chunked body declares none. Called only once the request has
 * been admitted ({@link InferenceService#admit}).
 */
@Component
class PredictBodies {

    private final InferenceProperties properties;
    private final JsonMapper json;

    PredictBodies(InferenceProperties properties, JsonMapper json) {
        this.properties = properties;
        this.json = json;
    }

    /**
     * The JSON body as a tree. Unparseable JSON is reported exactly as Spring reports a bad
     * {@code @RequestBody}, so predict's 400s read like every other endpoint's.
     */
    JsonNode json(HttpServletRequest request) throws IOException {
        long max = properties.maxRequestSize().toBytes();
        checkDeclaredLength(request, max);
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
        }
        if (body.length > max) {
            throw tooLarge("body", "The request body is larger than the limit of " + max
                    + " bytes (graft.inference.max-request-size)");
        }
        ServletServerHttpRequest message = new ServletServerHttpRequest(request);
        if (body.length == 0) {
            throw new HttpMessageNotReadableException("Required request body is missing", message);
        }
        try {
            return json.readTree(body);
        }
        catch (JacksonException e) {
            throw new HttpMessageNotReadableException("JSON parse error", e, message);
        }
    }

    /** The bytes of every {@code file} part, in order; 400 when there is none. */
    List<byte[]> files(MultipartHttpServletRequest form) throws IOException {
        long maxRequest = properties.maxRequestSize().toBytes();
        // Before the form is parsed: Tomcat would otherwise spool the whole upload to disk first.
        checkDeclaredLength(form, maxRequest);
        List<MultipartFile> parts = form.getFiles("file");
        if (parts.isEmpty()) {
            throw ApiProblem.invalidField("file", "is required (a multipart form part)");
        }
        if (parts.size() > properties.maxInstances()) {
            // Counted by the service; the parts are not read for a request it will refuse.
            return parts.stream().map(p -> new byte[0]).toList();
        }
        long maxFile = properties.maxFileSize().toBytes();
        long total = 0;
        List<byte[]> files = new ArrayList<>(parts.size());
        for (int i = 0; i < parts.size(); i++) {
            MultipartFile part = parts.get(i);
            String at = "/instances/" + i;
            if (part.getSize() > maxFile) {
                throw tooLarge(at, "is " + part.getSize() + " bytes; an image file may have at most " + maxFile
                        + " (graft.inference.max-file-size)");
            }
            total += part.getSize();
            if (total > maxRequest) {
                throw tooLarge("file", "the files are larger than " + maxRequest
                        + " bytes together (graft.inference.max-request-size)");
            }
            byte[] bytes;
            try (InputStream in = part.getInputStream()) {
                // Bounded even if the size reported above were wrong.
                bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxFile + 1));
            }
            if (bytes.length > maxFile) {
                throw tooLarge(at, "is larger than " + maxFile + " bytes (graft.inference.max-file-size)");
            }
            files.add(bytes);
        }
        return files;
    }

    private static void checkDeclaredLength(HttpServletRequest request, long max) {
        long declared = request.getContentLengthLong();
        if (declared > max) {
            throw tooLarge("body", "The request body is " + declared + " bytes; the limit is " + max
                    + " (graft.inference.max-request-size)");
        }
    }

    private static ApiProblem tooLarge(String location, String message) {
        String detail = location.equals("body") || location.equals("file") ? message : location + ": " + message;
        return new ApiProblem(HttpStatus.CONTENT_TOO_LARGE, ProblemType.PAYLOAD_TOO_LARGE, detail,
                List.of(new FieldError(location, message)), 1);
    }
}
