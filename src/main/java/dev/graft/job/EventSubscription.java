package dev.graft.job;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * One open event stream. Whoever wants something written (a notification that the job has a new
 * event, the heartbeat tick, the end of the stream's time) only raises a flag and hands the stream
 * to the writer pool; all of the stream's reads and writes then happen there, one task at a time.
 * So a client that reads slowly holds only its own writer, never the thread that ticks for every
 * stream, and the emitter (whose send and complete share one lock) is only ever touched by that
 * one task. The slot is given back once the stream is closed and no write of it is in flight.
 */
final class EventSubscription {

    private static final Logger log = LoggerFactory.getLogger(EventSubscription.class);
    private static final int PAGE = 100;

    /** What a stream needs from the rest of the feature. */
    interface Source {
        boolean ended(String jobId);

        List<JobEventRepository.EventRow> events(String jobId, long afterSeq, int limit);

        JobEventView view(JobEventRepository.EventRow row);
    }

    private final String jobId;
    private final SseEmitter emitter;
    private final Source source;
    private final Executor writers;
    private final Consumer<EventSubscription> release;
    private final long endsAtNanos;
    private final AtomicBoolean writing = new AtomicBoolean();
    private final AtomicBoolean released = new AtomicBoolean();
    /** The last event sent; only the writer task reads and moves it. */
    private long after;
    private volatile boolean wanted;
    private volatile boolean heartbeatDue;
    private volatile boolean closed;
    /** Set when Graft ends the stream (not the client or the container): the writer then completes the emitter. */
    private volatile boolean finish;
    private volatile long writeStartedNanos;

    /** @param release called once, when the stream is closed and no write of it is in flight */
    EventSubscription(String jobId, long afterSeq, SseEmitter emitter, Source source, Executor writers,
            Consumer<EventSubscription> release, long endsAtNanos) {
        this.jobId = jobId;
        this.after = afterSeq;
        this.emitter = emitter;
        this.source = source;
        this.writers = writers;
        this.release = release;
        this.endsAtNanos = endsAtNanos;
    }

    String jobId() {
        return jobId;
    }

    /** The job may have new events. */
    void wake() {
        wanted = true;
        schedule();
    }

    /**
     * Called by the tick: re-reads the events (covering a missed notification) and sends a comment
     * line; ends the stream past its time, or drops a client that has not taken a write for
     * {@code sendTimeoutNanos}.
     */
    void tick(long now, long sendTimeoutNanos) {
        if (closed) {
            return;
        }
        if (writing.get() && now - writeStartedNanos > sendTimeoutNanos) {
            log.info("Event stream of job {}: the client took no data for {} ms; dropping it", jobId, sendTimeoutNanos / 1_000_000);
            finish = true;
            close();
            return;
        }
        if (now - endsAtNanos > 0) {
            finish = true;
        }
        heartbeatDue = true;
        wake();
    }

    /** No more reads or writes; the slot goes back as soon as no write is in flight. */
    void close() {
        closed = true;
        if (!writing.get()) {
            releaseOnce();
        }
    }

    private void schedule() {
        if (closed || !writing.compareAndSet(false, true)) {
            // A write in flight looks at the flags again before it lets go.
            return;
        }
        writeStartedNanos = System.nanoTime();
        try {
            writers.execute(this::drain);
        }
        catch (RejectedExecutionException e) {
            // Shutting down.
            writing.set(false);
            close();
        }
    }

    private void drain() {
        try {
            while (wanted && !closed) {
                wanted = false;
                if (finish) {
                    break;
                }
                // Read the status first: if the job has ended now, every event it will ever have is already written.
                boolean ended = source.ended(jobId);
                List<JobEventRepository.EventRow> rows;
                do {
                    rows = source.events(jobId, after, PAGE);
                    for (JobEventRepository.EventRow row : rows) {
                        writeStartedNanos = System.nanoTime();
                        emitter.send(SseEmitter.event().id(row.id()).name(row.type()).data(source.view(row), MediaType.APPLICATION_JSON));
                        after = row.seq();
                    }
                } while (rows.size() == PAGE);
                if (ended) {
                    finish = true;
                    break;
                }
                if (heartbeatDue) {
                    heartbeatDue = false;
                    writeStartedNanos = System.nanoTime();
                    emitter.send(SseEmitter.event().comment("keep-alive"));
                }
            }
            if (finish) {
                closed = true;
                emitter.complete();
            }
        }
        catch (IOException | IllegalStateException e) {
            // The client went away (the container completes the request itself), or the emitter already ended.
            closed = true;
        }
        catch (RuntimeException e) {
            log.warn("Event stream of job {} failed: {}", jobId, e.toString());
            closed = true;
            emitter.completeWithError(e);
        }
        finally {
            writing.set(false);
            if (closed) {
                releaseOnce();
            }
            else if (wanted) {
                schedule();
            }
        }
    }

    private void releaseOnce() {
        if (released.compareAndSet(false, true)) {
            release.accept(this);
        }
    }
}
