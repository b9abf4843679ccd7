package dev.graft.job;

import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.JsonNode;

import dev.graft.security.Caller;
import dev.graft.web.ListPage;

@RestController
@RequestMapping("/v1/fine_tuning/jobs")
class FineTuningJobController {

    private final JobService jobs;
    private final JobEventStream stream;

    FineTuningJobController(JobService jobs, JobEventStream stream) {
        this.jobs = jobs;
        this.stream = stream;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<JobView> create(Caller caller, @RequestBody JsonNode body,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) {
        JobService.Created created = jobs.create(caller, body, idempotencyKey);
        ResponseEntity.BodyBuilder response = ResponseEntity.status(HttpStatus.CREATED);
        if (created.replayed()) {
            response.header("Idempotent-Replayed", "true");
        }
        return response.body(created.job());
    }

    @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
    ListPage<JobView> list(Caller caller, @RequestParam(name = "status", required = false) String status,
            @RequestParam(name = "after", required = false) String after,
            @RequestParam(name = "limit", required = false) Integer limit) {
        return jobs.list(caller, status, after, limit);
    }

    @GetMapping(path = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    JobView get(Caller caller, @PathVariable String id) {
        return jobs.get(caller, id);
    }

    @PostMapping(path = "/{id}/cancel", produces = MediaType.APPLICATION_JSON_VALUE)
    JobView cancel(Caller caller, @PathVariable String id) {
        return jobs.cancel(caller, id);
    }

    @GetMapping(path = "/{id}/events", produces = MediaType.APPLICATION_JSON_VALUE)
    ListPage<JobEventView> events(Caller caller, @PathVariable String id, @RequestParam(name = "after", required = false) String after,
            @RequestParam(name = "limit", required = false) Integer limit) {
        return jobs.events(caller, id, after, limit);
    }

    /** The same events, live: the stream ends when the job ends. */
    @GetMapping(path = "/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter streamEvents(Caller caller, @PathVariable String id, @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
        return stream.open(caller, id, lastEventId);
    }

    /** OpenAI's result file: one CSV row per epoch with its losses and accuracies. */
    @GetMapping(path = "/{id}/results", produces = { "text/csv", MediaType.APPLICATION_JSON_VALUE })
    ResponseEntity<String> results(Caller caller, @PathVariable String id) {
        return ResponseEntity.ok().header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                .filename(id + "-results.csv").build().toString()).body(jobs.results(caller, id));
    }

    @GetMapping(path = "/{id}/checkpoints", produces = MediaType.APPLICATION_JSON_VALUE)
    ListPage<CheckpointView> checkpoints(Caller caller, @PathVariable String id, @RequestParam(name = "after", required = false) String after,
            @RequestParam(name = "limit", required = false) Integer limit) {
        return jobs.checkpoints(caller, id, after, limit);
    }
}
