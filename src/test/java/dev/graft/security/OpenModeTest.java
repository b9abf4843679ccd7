package dev.graft.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;

import dev.graft.GraftApplication;
import dev.graft.support.ApiClient;
import dev.graft.support.GraftServerTest;
import dev.graft.support.TestDatabase;

/** Without an admin key: one tenant, no keys, loopback only; any other address refuses to start. */
@GraftServerTest
class OpenModeTest {

    @LocalServerPort
    int port;
    @Autowired
    Environment environment;

    @Test
    void servesWithoutKeysOnLoopbackOnlyAndHasNoAdminApi() {
        assertThat(environment.getProperty("server.address")).isEqualTo("127.0.0.1");
        assertThat(ApiClient.on(port).get("/v1/datasets").status()).isEqualTo(200);
        ApiClient.Response admin = ApiClient.on(port).unchecked().get("/v1/admin/tenants");
        assertThat(admin.status()).isEqualTo(404);
        assertThat(admin.json().get("detail").asString()).contains("open mode", "graft.security.admin-key");
    }

    @Test
    void refusesToStartOnAnotherInterfaceWithoutKeys() {
        assertThatThrownBy(() -> start("--server.address=0.0.0.0"))
                .hasRootCauseInstanceOf(UnsafeSecurityConfiguration.class)
                .rootCause().hasMessageContaining("0.0.0.0").hasMessageContaining("not a loopback address");
    }

    /** InetAddress reads "" as localhost, but the web server binds every interface to it. */
    @Test
    void refusesToStartOnABlankAddressWithoutKeys() {
        assertThatThrownBy(() -> start("--server.address="))
                .hasRootCauseInstanceOf(UnsafeSecurityConfiguration.class)
                .rootCause().hasMessageContaining("server.address is empty, which binds every interface");
        assertThatThrownBy(() -> start("--server.address=  "))
                .hasRootCauseInstanceOf(UnsafeSecurityConfiguration.class)
                .rootCause().hasMessageContaining("binds every interface");
    }

    @Test
    void refusesASeparateManagementServerOnEveryInterfaceWithoutKeys() {
        assertThatThrownBy(() -> start("--management.server.port=65010"))
                .hasRootCauseInstanceOf(UnsafeSecurityConfiguration.class)
                .rootCause().hasMessageContaining("management.server.address is empty");
    }

    @Test
    void refusesAShortAdminKey() {
        assertThatThrownBy(() -> start("--graft.security.admin-key=tooshort"))
                .hasRootCauseInstanceOf(UnsafeSecurityConfiguration.class)
                .rootCause().hasMessageContaining("shorter than 32");
    }

    @Test
    void theFailureIsReportedAsOneMessageWithTheFix() {
        var analysis = new SecurityFailureAnalyzer().analyze(new IllegalStateException(
                new UnsafeSecurityConfiguration("open mode on 0.0.0.0", "Set an admin key")));
        assertThat(analysis.getDescription()).isEqualTo("open mode on 0.0.0.0");
        assertThat(analysis.getAction()).isEqualTo("Set an admin key");
    }

    private static void start(String... args) {
        TestDatabase.Connection db = TestDatabase.connection();
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--spring.datasource.url=" + db.url(), "--graft.mode=api", "--server.port=0",
                "--graft.storage.root=target/test-artifacts/open-mode"));
        if (db.username() != null) {
            all.add("--spring.datasource.username=" + db.username());
            all.add("--spring.datasource.password=" + db.password());
        }
        new SpringApplicationBuilder(GraftApplication.class).run(all.toArray(String[]::new)).close();
    }
}
