package dev.graft.web;

import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * A domain error that renders as an RFC 9457 problem. Features throw these; the
 * {@link ApiErrorHandler} adds the request id.
 */
public class ApiProblem extends ErrorResponseException {

    public ApiProblem(HttpStatus status, ProblemType type, String detail) {
        this(status, type, detail, List.of(), 0);
    }

    /**
     * @param errors     the listed problems (may be capped)
     * @param errorCount how many there were in all; 0 means {@code errors.size()}
     */
    public ApiProblem(HttpStatus status, ProblemType type, String detail, List<FieldError> errors, int errorCount) {
        super(status, problem(status, type, detail, errors, errorCount), null);
    }

    public static ApiProblem notFound(String resource, String id) {
        return new ApiProblem(HttpStatus.NOT_FOUND, ProblemType.NOT_FOUND, "No " + resource + " with id '" + id + "'");
    }

    /** A request field with a bad value: 400 when the request is malformed, as Graft uses for parameters. */
    public static ApiProblem invalidField(String location, String message) {
        return new ApiProblem(HttpStatus.BAD_REQUEST, ProblemType.INVALID_REQUEST, location + ": " + message,
                List.of(new FieldError(location, message)), 1);
    }

    /** A well-formed request whose values break a rule: 422. */
    public static ApiProblem unprocessable(List<FieldError> errors) {
        // The empty JSON pointer is the whole body: no "location: " prefix to show.
        String detail = errors.size() != 1 ? errors.size() + " fields are invalid"
                : errors.get(0).location().isEmpty() ? errors.get(0).message()
                : errors.get(0).location() + ": " + errors.get(0).message();
        return new ApiProblem(HttpStatus.UNPROCESSABLE_CONTENT, ProblemType.VALIDATION, detail, errors, errors.size());
    }

    private static ProblemDetail problem(HttpStatus status, ProblemType type, String detail,
            List<FieldError> errors, int errorCount) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(type.type());
        problem.setTitle(type.title());
        if (!errors.isEmpty()) {
            problem.setProperty("errors", List.copyOf(errors));
            problem.setProperty("error_count", Math.max(errorCount, errors.size()));
        }
        return problem;
    }
}
