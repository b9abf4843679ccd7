package dev.graft.job;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.graft.security.Caller;
import dev.graft.web.ApiProblem;

/**
 * Live job events as Server-Sent Events. Each open stream is a small task polling the events
 * table on a shared scheduler (a few threads for any number of streams, rather than a thread
 * each); the stream ends once the job has ended and its last event was sent. Event ids are the
 * events' own ids, so a client that reconnects with {@code Last-Event-ID} continues where it was.
 */
@Component
class JobEventStream {

    private static final Logger log = LoggerFactory.getLogger(JobEventStream.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration MAX_STREAM = Duration.ofHours(24);

    private final JobRepository jobs;
    private final JobEventRepository events;
    private final JobViews views;
    private final ScheduledExecutorService scheduler = DaemonScheduler.create("job-event-stream", 2);

    JobEventStream(JobRepository jobs, JobEventRepository events, JobViews views) {
        this.jobs = jobs;
        this.events = events;
        this.views = views;
    }

    SseEmitter open(Caller caller, String jobId, String lastEventId) {
        jobs.find(caller.tenantId(), jobId).orElseThrow(() -> ApiProblem.notFound("fine-tuning job", jobId));
        long start = lastEventId == null ? 0 : events.eventSeq(jobId, lastEventId)
                .orElseThrow(() -> ApiProblem.invalidField("Last-Event-ID", "no event '" + lastEventId + "' in job " + jobId));
        SseEmitter emitter = new SseEmitter(MAX_STREAM.toMillis());
        AtomicLong after = new AtomicLong(start);
        AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
        Runnable stop = () -> {
            ScheduledFuture<?> f = task.get();
            if (f != null) {
                f.cancel(false);
            }
        };
        emitter.onCompletion(stop);
        emitter.onTimeout(stop);
        emitter.onError(e -> stop.run());
        task.set(scheduler.scheduleWithFixedDelay(() -> poll(jobId, after, emitter, stop), 0, POLL.toMillis(), TimeUnit.MILLISECONDS));
        return emitter;
    }

    private void poll(String jobId, AtomicLong after, SseEmitter emitter, Runnable stop) {
        try {
            // Read the status first: if the job is terminal now, every event it will ever have is already written.
            boolean ended = jobs.find(jobId).map(j -> j.status().isTerminal()).orElse(true);
            List<JobEventRepository.EventRow> rows;
            do {
                rows = events.events(jobId, after.get(), 100);
                for (JobEventRepository.EventRow row : rows) {
                    emitter.send(SseEmitter.event().id(row.id()).name(row.type()).data(views.event(row), MediaType.APPLICATION_JSON));
                    after.set(row.seq());
                }
            } while (rows.size() == 100);
            if (ended) {
                stop.run();
                emitter.complete();
            }
        }
        catch (IOException | IllegalStateException e) {
            // The client went away.
            stop.run();
        }
        catch (RuntimeException e) {
            log.warn("Event stream of job {} failed: {}", jobId, e.toString());
            stop.run();
            emitter.completeWithError(e);
        }
    }

    @PreDestroy
    void shutdown() {
        scheduler.shutdownNow();
    }
}
