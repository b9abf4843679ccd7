package dev.graft.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.graft.support.ApiClient;
import dev.graft.support.GraftServerTest;

/** An error is a problem with a correlation id that the server log carries too, and nothing internal. */
@GraftServerTest
@ExtendWith(OutputCaptureExtension.class)
class ErrorResponseTest {

    @LocalServerPort
    int port;

    @Test
    void aProblemCarriesTheRequestIdThatTheLogCarriesAndNoInternals(CapturedOutput output) {
        ApiClient.Response r = ApiClient.on(port).unchecked().send("POST", "/v1/fine_tuning/jobs", "application/json",
                "{\"base_model\": ".getBytes(StandardCharsets.UTF_8), null, "X-Request-Id", "trace-me-4711");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.header("X-Request-Id")).isEqualTo("trace-me-4711");
        assertThat(r.json().get("request_id").asString()).isEqualTo("trace-me-4711");
        assertThat(r.body()).doesNotContain("Exception", "at dev.graft", "at org.", "jdbc:", "password");
        assertThat(output.getOut()).containsPattern("\\[trace-me-4711\\].*400 Invalid request");
    }
}
