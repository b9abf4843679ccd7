package dev.graft.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import dev.graft.support.ApiClient;
import dev.graft.support.GraftServerTest;
import dev.graft.support.QueuedJobs;
import dev.graft.support.SseConnection;
import dev.graft.support.TestDatabase;

/**
 * Live streams wake on PostgreSQL's notification of a new event, not on a timer: with the
 * heartbeat (the only tick left) an hour away, an event still reaches an open stream.
 */
@GraftServerTest
// Its own settings make its own context: closed after the class rather than kept (with its
// connection pool) in the context cache for the rest of the run.
@DirtiesContext
@TestPropertySource(properties = "graft.jobs.event-streams.heartbeat-interval=1h")
class JobEventWakeUpTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;

    @BeforeEach
    void clean() {
        TestDatabase.cancelLeftoverJobs(jdbc);
    }

    @Test
    void aNewEventReachesAnOpenStreamWithoutWaitingForTheHeartbeat() {
        ApiClient api = ApiClient.on(port);
        String job = QueuedJobs.insertWithEvent(jdbc);

        try (SseConnection stream = SseConnection.open(port, "/v1/fine_tuning/jobs/" + job + "/events", Duration.ofSeconds(60))) {
            assertThat(stream.status()).isEqualTo(200);
            stream.awaitLine(line -> line.equals("event:queued"));

            assertThat(api.post("/v1/fine_tuning/jobs/" + job + "/cancel", null, null).status()).isEqualTo(200);

            assertThat(stream.readToEnd()).contains("event:cancelled");
        }
    }
}
