package dev.graft.job;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.graft.security.Caller;
import dev.graft.web.ApiProblem;
import dev.graft.web.ProblemType;

/**
 * Live job events as Server-Sent Events. A stream reads the events table when PostgreSQL notifies
 * that its job has a new event (one LISTEN connection for the whole process), and on a slow tick
 * that also sends a comment line as a heartbeat: an idle stream costs no queries between ticks, and
 * a client that went away is noticed at the next heartbeat, when the write fails. Writes happen on
 * a pool of writer threads, one task per stream at a time (see {@link EventSubscription}), so no
 * client, however slow, holds a thread that other streams need. A tenant may hold
 * {@code graft.jobs.event-streams.max-per-tenant} streams open at once; a stream ends when its job
 * has ended and its last event was sent, or after {@code max-duration} (the client reconnects with
 * {@code Last-Event-ID}, the event id, and continues where it was).
 */
@Component
class JobEventStream {

    /** The channel on which the events table announces a new event's job id (migration V7's trigger). */
    static final String EVENT_CHANNEL = "graft_job_events";
    private static final Logger log = LoggerFactory.getLogger(JobEventStream.class);
    private static final Duration LISTEN_START_WAIT = Duration.ofSeconds(5);

    private final JobRepository jobs;
    private final JobEventRepository events;
    private final JobViews views;
    private final JobProperties.EventStreams properties;
    private final NotificationListener listener;
    /** How long one LISTEN wait lasts: after a dropped connection, how soon it is tried again. */
    private final Duration listenWait;
    private final ScheduledExecutorService ticks = DaemonScheduler.create("job-event-stream-tick", 1);
    private final ExecutorService writers = DaemonScheduler.createCached("job-event-stream-writer");
    private final Map<String, Set<EventSubscription>> byJob = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> perTenant = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    private final Counter reads;
    private final EventSubscription.Source source;
    private final CountDownLatch listeningStarted = new CountDownLatch(1);
    private volatile Thread listening;
    private volatile boolean stopped;

    JobEventStream(JobRepository jobs, JobEventRepository events, JobViews views, JobProperties properties, DataSource dataSource,
            MeterRegistry registry) {
        this.jobs = jobs;
        this.events = events;
        this.views = views;
        this.properties = properties.eventStreams();
        this.listener = properties.listen() ? new NotificationListener(dataSource, EVENT_CHANNEL, this::wakeAll) : null;
        this.listenWait = properties.pollInterval().compareTo(this.properties.heartbeatInterval()) < 0
                ? properties.pollInterval() : this.properties.heartbeatInterval();
        Gauge.builder("graft.jobs.event.streams", open, AtomicInteger::get).description("Open live job event streams (SSE)")
                .register(registry);
        this.reads = Counter.builder("graft.jobs.event.streams.reads").description("Reads of the events table by live streams")
                .register(registry);
        this.source = new Source();
        long every = this.properties.heartbeatInterval().toMillis();
        ticks.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
    }

    SseEmitter open(Caller caller, String jobId, String lastEventId) {
        jobs.find(caller.tenantId(), jobId).orElseThrow(() -> ApiProblem.notFound("fine-tuning job", jobId));
        long start = lastEventId == null ? 0 : events.eventSeq(jobId, lastEventId)
                .orElseThrow(() -> ApiProblem.invalidField("Last-Event-ID", "no event '" + lastEventId + "' in job " + jobId));
        AtomicInteger tenantStreams = takeSlot(caller.tenantId());
        startListening();
        // Tomcat's async timeout is the backstop: the tick ends a stream at max-duration, or drops its
        // client after send-timeout, well before it.
        SseEmitter emitter = new SseEmitter(properties.maxDuration().plus(properties.sendTimeout())
                .plus(properties.heartbeatInterval()).toMillis());
        EventSubscription subscription = new EventSubscription(jobId, start, emitter, source, writers,
                s -> released(s, tenantStreams), System.nanoTime() + properties.maxDuration().toNanos());
        byJob.compute(jobId, (id, set) -> {
            Set<EventSubscription> ofJob = set == null ? ConcurrentHashMap.newKeySet() : set;
            ofJob.add(subscription);
            return ofJob;
        });
        open.incrementAndGet();
        emitter.onCompletion(subscription::close);
        emitter.onTimeout(subscription::close);
        emitter.onError(e -> subscription.close());
        subscription.wake();
        return emitter;
    }

    private void released(EventSubscription subscription, AtomicInteger tenantStreams) {
        byJob.computeIfPresent(subscription.jobId(), (id, set) -> {
            set.remove(subscription);
            return set.isEmpty() ? null : set;
        });
        open.decrementAndGet();
        tenantStreams.decrementAndGet();
    }

    private AtomicInteger takeSlot(String tenant) {
        AtomicInteger streams = perTenant.computeIfAbsent(tenant, t -> new AtomicInteger());
        int max = properties.maxPerTenant();
        if (streams.incrementAndGet() > max && max > 0) {
            streams.decrementAndGet();
            ApiProblem problem = new ApiProblem(HttpStatus.TOO_MANY_REQUESTS, ProblemType.RATE_LIMITED, "This tenant already has "
                    + max + " live event streams open (graft.jobs.event-streams.max-per-tenant); close one, or page through "
                    + "the events with ?after= instead");
            // A stream whose client went away is noticed at its next heartbeat.
            problem.getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, properties.heartbeatInterval().toSeconds())));
            throw problem;
        }
        return streams;
    }

    /** After (re)connecting the LISTEN: events recorded while it was down sent no notification that arrived. */
    private void wakeAll() {
        byJob.values().forEach(set -> set.forEach(EventSubscription::wake));
    }

    private void tick() {
        long now = System.nanoTime();
        long sendTimeout = properties.sendTimeout().toNanos();
        try {
            byJob.values().forEach(set -> set.forEach(s -> s.tick(now, sendTimeout)));
        }
        catch (RuntimeException e) {
            log.warn("Event stream tick failed: {}", e.toString());
        }
    }

    /**
     * The LISTEN thread starts with the first stream, so a process that serves none holds no
     * connection for it. That first stream waits (briefly) until the thread is listening, so no
     * event recorded after it opened can go unnoticed until the next tick.
     */
    private void startListening() {
        if (listener == null) {
            return;
        }
        synchronized (this) {
            if (listening == null && !stopped) {
                Thread thread = new Thread(this::listen, "job-event-stream-listen");
                thread.setDaemon(true);
                thread.start();
                listening = thread;
            }
        }
        try {
            listeningStarted.await(LISTEN_START_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void listen() {
        try {
            listener.listen();
        }
        catch (SQLException e) {
            log.warn("LISTEN {} failed ({}); streams poll at each heartbeat until it is back", EVENT_CHANNEL, e.getMessage());
        }
        finally {
            listeningStarted.countDown();
        }
        while (!stopped) {
            try {
                for (String jobId : listener.await(listenWait)) {
                    Set<EventSubscription> subscriptions = byJob.get(jobId);
                    if (subscriptions != null) {
                        subscriptions.forEach(EventSubscription::wake);
                    }
                }
            }
            catch (InterruptedException e) {
                return;
            }
            catch (RuntimeException e) {
                log.warn("Event stream notifications failed: {}", e.toString());
            }
        }
    }

    /** Streams open now, for tests and metrics. */
    int openStreams() {
        return open.get();
    }

    @PreDestroy
    synchronized void shutdown() {
        stopped = true;
        ticks.shutdownNow();
        writers.shutdownNow();
        Thread thread = listening;
        if (thread != null) {
            thread.interrupt();
        }
        if (listener != null) {
            listener.close();
        }
    }

    private final class Source implements EventSubscription.Source {

        @Override
        public boolean ended(String jobId) {
            reads.increment();
            return jobs.find(jobId).map(j -> j.status().isTerminal()).orElse(true);
        }

        @Override
        public List<JobEventRepository.EventRow> events(String jobId, long afterSeq, int limit) {
            return events.events(jobId, afterSeq, limit);
        }

        @Override
        public JobEventView view(JobEventRepository.EventRow row) {
            return views.event(row);
        }
    }
}
