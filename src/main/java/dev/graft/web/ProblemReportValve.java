package dev.graft.web;

import java.io.IOException;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tomcat's own error report, as an RFC 9457 problem instead of its HTML page. It answers what
 * Tomcat refuses before any filter or servlet runs: an encoded {@code /} ({@code %2F}), a raw
 * {@code <} or {@code {} in the path (a README placeholder pasted as it is), a malformed request
 * line. Such a request never met {@link RequestIdFilter}, so the id is made here.
 */
class ProblemReportValve extends ErrorReportValve {

    private static final Logger log = LoggerFactory.getLogger(ProblemReportValve.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final String MALFORMED = "The request could not be read: its request line or headers are malformed. A path must "
            + "not hold an encoded '/' or '\\' (%2F, %5C) or raw characters such as '<', '>', '{', '}', '|', '\\' or spaces "
            + "(percent-encode them), and ids go into URLs without a placeholder's brackets: "
            + "/v1/datasets/ds_4Qm8Zx1VbT9kLr2NcY7pWd3e, not /v1/datasets/<id> or /v1/datasets/{id}";

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        // As ErrorReportValve: only an error nobody has answered yet, and only while the client can still be written to.
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(false);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        Object known = request.getAttribute(RequestIdFilter.ATTRIBUTE);
        String requestId = known != null ? known.toString() : RequestIdFilter.idFor(request.getHeader(RequestIdFilter.HEADER));
        ProblemType type = ProblemType.forStatus(status);
        HttpStatus resolved = HttpStatus.resolve(status);
        String detail = status == 400 ? MALFORMED
                : status >= 500 ? "An internal error occurred; quote request id " + requestId + " when reporting it"
                : resolved != null ? resolved.getReasonPhrase() : "The request was refused";
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", type.type().toString());
        problem.put("title", type.title());
        problem.put("status", status);
        problem.put("detail", detail);
        if (status == 400) {
            problem.put("errors", List.of(new FieldError("request", "is malformed")));
            problem.put("error_count", 1);
        }
        problem.put("request_id", requestId);
        MDC.put("request_id", requestId);
        try {
            log.info("{} {}: refused by the web server before reaching Graft", status, type.title());
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.setCharacterEncoding("UTF-8");
            response.setHeader(RequestIdFilter.HEADER, requestId);
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(JSON.writeValueAsString(problem));
            }
        }
        catch (IOException | IllegalStateException e) {
            // The client is gone or the response committed: there is no one left to tell.
        }
        finally {
            MDC.remove("request_id");
        }
    }
}
