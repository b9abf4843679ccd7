package dev.graft.web;

import java.util.List;

import org.apache.tomcat.util.http.fileupload.impl.FileCountLimitExceededException;
import org.apache.tomcat.util.http.fileupload.impl.SizeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.multipart.support.MissingServletRequestPartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Renders every error as an RFC 9457 problem with a stable Graft {@code type}, the request's
 * correlation id, and never a stack trace. Spring's own exceptions (405, 415, 413, missing
 * parameters) keep their status and get Graft's type and an {@code errors} entry naming the field.
 */
@RestControllerAdvice
class ApiErrorHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiErrorHandler.class);

    @Override
    protected ResponseEntity<Object> handleMissingServletRequestParameter(MissingServletRequestParameterException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return respond(ApiProblem.invalidField(ex.getParameterName(), "is required"), request);
    }

    @Override
    protected ResponseEntity<Object> handleMissingServletRequestPart(MissingServletRequestPartException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return respond(ApiProblem.invalidField(ex.getRequestPartName(), "is required (a multipart form part)"), request);
    }

    /** Unparseable JSON: say where, in the parser's words, without Java type names. */
    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        if (ex.getCause() == null) {
            // No parser involved: the body is absent, and Spring's message names the controller method.
            return respond(new ApiProblem(HttpStatus.BAD_REQUEST, ProblemType.INVALID_REQUEST,
                    "The request body is missing; send a JSON object", List.of(new FieldError("body", "is missing")), 1), request);
        }
        String cause = ex.getMostSpecificCause().getMessage();
        String firstLine = cause == null ? "unreadable body" : cause.lines().findFirst().orElse(cause);
        if (firstLine.startsWith("Trailing token")) {
            // Databind's wording names the Java type the value was bound to.
            firstLine = "unexpected content after the JSON value";
        }
        ApiProblem problem = new ApiProblem(HttpStatus.BAD_REQUEST, ProblemType.INVALID_REQUEST,
                "The request body is not valid JSON: " + firstLine, List.of(new FieldError("body", firstLine)), 1);
        return respond(problem, request);
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<Object> typeMismatch(MethodArgumentTypeMismatchException ex, WebRequest request) {
        return respond(ApiProblem.invalidField(ex.getName(), "has an invalid value '" + ex.getValue() + "'"), request);
    }

    /**
     * Spring reports every multipart limit Tomcat enforces as "Maximum upload size exceeded", a
     * request with too many parts included; Tomcat's exception says which limit it was.
     */
    @Override
    protected ResponseEntity<Object> handleMaxUploadSizeExceededException(MaxUploadSizeExceededException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        Throwable cause = ex.getMostSpecificCause();
        String detail = cause instanceof FileCountLimitExceededException count
                ? "The form has more than " + count.getLimit() + " parts; send fewer files per request"
                : cause instanceof SizeException size
                        ? "The upload is larger than the limit of " + size.getPermittedSize() + " bytes"
                        : "Maximum upload size exceeded";
        return respond(new ApiProblem(HttpStatus.CONTENT_TOO_LARGE, ProblemType.PAYLOAD_TOO_LARGE, detail,
                List.of(new FieldError("file", detail)), 1), request);
    }

    /**
     * A multipart body Tomcat cannot parse (cut off, no boundary) is the client's fault, not a 500.
     * An oversize one is the subclass {@code MaxUploadSizeExceededException}, which the base class
     * maps to 413 and which, as the closer match, still goes there.
     */
    @ExceptionHandler(MultipartException.class)
    ResponseEntity<Object> unparseableMultipart(MultipartException ex, WebRequest request) {
        String cause = ex.getMostSpecificCause().getMessage();
        String reason = cause == null ? "unreadable body" : cause.lines().findFirst().orElse(cause);
        ApiProblem problem = new ApiProblem(HttpStatus.BAD_REQUEST, ProblemType.INVALID_REQUEST,
                "The request body is not a valid multipart/form-data body: " + reason, List.of(new FieldError("body", reason)), 1);
        return respond(problem, request);
    }

    /** The database is unreachable: fail fast with 503 so clients retry, instead of a 500. */
    @ExceptionHandler({ DataAccessResourceFailureException.class, CannotCreateTransactionException.class })
    ResponseEntity<Object> databaseDown(Exception ex, WebRequest request) {
        log.warn("Database unavailable: {}", ex.getMessage());
        ApiProblem problem = new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, ProblemType.SERVICE_UNAVAILABLE,
                "The database is unavailable; retry shortly");
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, "5");
        return handleExceptionInternal(problem, problem.getBody(), headers, problem.getStatusCode(), request);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception ex, WebRequest request) {
        String requestId = requestId(request);
        log.error("Unhandled error in request {}", requestId, ex);
        return respond(new ApiProblem(HttpStatus.INTERNAL_SERVER_ERROR, ProblemType.INTERNAL,
                "An internal error occurred; quote request id " + requestId + " when reporting it"), request);
    }

    private ResponseEntity<Object> respond(ApiProblem problem, WebRequest request) {
        return handleExceptionInternal(problem, problem.getBody(), new HttpHeaders(), problem.getStatusCode(), request);
    }

    /** The single place every problem passes through: fill in Graft's type, title and request id. */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
            HttpStatusCode statusCode, WebRequest request) {
        if (body == null && ex instanceof ErrorResponse errorResponse) {
            body = errorResponse.updateAndGetBody(getMessageSource(), LocaleContextHolder.getLocale());
        }
        ProblemDetail problem = body instanceof ProblemDetail p ? p
                : ProblemDetail.forStatusAndDetail(statusCode, ex.getMessage() == null ? "" : ex.getMessage());
        if (problem.getType() == null || "about:blank".equals(problem.getType().toString())) {
            ProblemType type = ProblemType.forStatus(statusCode.value());
            problem.setType(type.type());
            problem.setTitle(type.title());
        }
        if (problem.getProperties() == null || !problem.getProperties().containsKey("errors")) {
            String location = switch (statusCode.value()) {
                case 405 -> "method";
                case 406 -> "Accept";
                case 413 -> "file";
                case 415 -> "Content-Type";
                default -> null;
            };
            if (location != null) {
                problem.setProperty("errors", List.of(new FieldError(location, String.valueOf(problem.getDetail()))));
                problem.setProperty("error_count", 1);
            }
        }
        problem.setProperty("request_id", requestId(request));
        if (statusCode.is4xxClientError()) {
            // The line a user's error report (quoting request_id) is matched with; 5xx are logged in full above.
            log.info("{} {}: {}", statusCode.value(), problem.getTitle(), problem.getDetail());
        }
        return super.handleExceptionInternal(ex, problem, headers, statusCode, request);
    }

    private static String requestId(WebRequest request) {
        Object id = request.getAttribute(RequestIdFilter.ATTRIBUTE, RequestAttributes.SCOPE_REQUEST);
        return id == null ? null : id.toString();
    }
}
