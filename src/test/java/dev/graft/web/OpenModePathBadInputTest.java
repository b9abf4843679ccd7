package dev.graft.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.graft.security.Caller;
import dev.graft.storage.StorageProperties;
import dev.graft.support.GraftServerTest;
import dev.graft.support.RawHttp;
import dev.graft.support.StoredState;

/**
 * In open mode the admin API is off, and no spelling of its path turns it on: nothing lists the
 * tenants, makes one, or mints a key (which would let whoever asked into the default tenant once
 * keys are switched on).
 */
@GraftServerTest
class OpenModePathBadInputTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    StorageProperties storage;

    static Stream<AdminPathSpellings.Spelling> spellings() {
        return AdminPathSpellings.spellings();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("spellings")
    void noSpellingOfTheAdminPathTurnsTheAdminApiOn(AdminPathSpellings.Spelling spelling) {
        StoredState before = state();

        RawHttp.Response list = RawHttp.send(port, "GET", spelling.path(port, "tenants"), null);
        RawHttp.Response tenant = post(spelling.path(port, "tenants"), "{\"name\": \"made-in-open-mode\"}");
        RawHttp.Response key = post(spelling.path(port, "tenants/" + Caller.DEFAULT_TENANT + "/keys"), "{}");

        assertThat(list.status()).as("GET %s -> %s", spelling, list).isEqualTo(spelling.inOpenMode());
        AdminPathSpellings.assertProblem("GET " + spelling, list);
        AdminPathSpellings.assertProblem("POST a tenant " + spelling, tenant);
        AdminPathSpellings.assertProblem("POST a key " + spelling, key);
        if (list.status() == 404 && list.json().path("detail").asString().contains("open mode")) {
            assertThat(list.json().path("detail").asString()).contains("graft.security.admin-key");
        }
        assertThat(state()).as("no tenant or key made").isEqualTo(before);
    }

    private RawHttp.Response post(String path, String json) {
        return RawHttp.send(port, "POST", path, json.getBytes(StandardCharsets.UTF_8), "Content-Type", "application/json");
    }

    private StoredState state() {
        return StoredState.read(jdbc, storage.root());
    }
}
