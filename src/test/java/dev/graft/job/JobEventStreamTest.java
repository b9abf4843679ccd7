package dev.graft.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import dev.graft.support.ApiClient;
import dev.graft.support.Await;
import dev.graft.support.GraftServerTest;
import dev.graft.support.QueuedJobs;
import dev.graft.support.SseConnection;
import dev.graft.support.TestDatabase;

/**
 * The bounds of live event streams: a tenant's cap (one more stream is a 429 problem with
 * {@code Retry-After}), heartbeat comments on an idle stream, and a client that goes away giving
 * its slot back and costing no more reads. The jobs here stay queued (no workers), so their
 * streams would otherwise stay open.
 */
@GraftServerTest
// Its own settings make its own context: closed after the class rather than kept (with its
// connection pool) in the context cache for the rest of the run.
@DirtiesContext
@TestPropertySource(properties = {"graft.jobs.event-streams.max-per-tenant=2", "graft.jobs.event-streams.heartbeat-interval=300ms"})
class JobEventStreamTest {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    MeterRegistry meters;

    ApiClient api;
    String job;
    final List<SseConnection> opened = new ArrayList<>();

    @BeforeEach
    void setUp() {
        TestDatabase.cancelLeftoverJobs(jdbc);
        api = ApiClient.on(port);
        job = QueuedJobs.insertWithEvent(jdbc);
        Await.until("no stream left open by an earlier test", READ_TIMEOUT, this::openStreams, n -> n == 0);
    }

    @AfterEach
    void closeStreams() {
        opened.forEach(SseConnection::close);
    }

    @Test
    void aStreamOverTheTenantsCapIsRefusedWith429AndRetryAfter() {
        assertThat(stream().status()).isEqualTo(200);
        assertThat(stream().status()).isEqualTo(200);

        assertThat(stream().status()).isEqualTo(429);
        ApiClient.Response third = api.send("GET", "/v1/fine_tuning/jobs/" + job + "/events", null, null, "text/event-stream");

        assertThat(third.status()).as(third.toString()).isEqualTo(429);
        assertThat(third.contentType()).startsWith("application/problem+json");
        assertThat(third.json().get("type").asString()).isEqualTo("/problems/rate-limited");
        assertThat(third.json().get("detail").asString()).contains("graft.jobs.event-streams.max-per-tenant");
        assertThat(third.json().get("request_id").asString()).isEqualTo(third.header("X-Request-Id"));
        assertThat(third.header("Retry-After")).isEqualTo("1");
    }

    @Test
    void anIdleStreamGetsHeartbeatComments() {
        SseConnection stream = stream();
        stream.awaitLine(line -> line.startsWith("event:queued"));

        assertThat(stream.awaitLine(line -> line.startsWith(":"))).isEqualTo(":keep-alive");
    }

    @Test
    void aClientThatGoesAwayFreesItsSlotAndItsStreamStopsReadingTheDatabase() {
        SseConnection dropped = stream();
        stream();
        assertThat(stream().status()).as("at the cap").isEqualTo(429);

        dropped.close();

        // Noticed at a heartbeat, when the write to the closed connection fails.
        SseConnection next = Await.until("a stream accepted in the dropped one's slot", READ_TIMEOUT, this::stream,
                s -> s.status() == 200);
        assertThat(next.status()).isEqualTo(200);
        opened.forEach(SseConnection::close);
        Await.until("every stream closed", READ_TIMEOUT, this::openStreams, n -> n == 0);
        double reads = reads();
        Await.pause(5 * 300);
        assertThat(reads()).as("reads of the events table after every stream closed").isEqualTo(reads);
    }

    private SseConnection stream() {
        SseConnection stream = SseConnection.open(port, "/v1/fine_tuning/jobs/" + job + "/events", READ_TIMEOUT);
        opened.add(stream);
        if (stream.status() != 200) {
            stream.close();
        }
        return stream;
    }

    private int openStreams() {
        var gauge = meters.find("graft.jobs.event.streams").gauge();
        return gauge == null ? 0 : (int) gauge.value();
    }

    private double reads() {
        return meters.get("graft.jobs.event.streams.reads").counter().count();
    }
}
