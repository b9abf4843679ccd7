package dev.graft.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

import dev.graft.GraftApplication;
import dev.graft.support.ApiClient;
import dev.graft.support.Fixtures;
import dev.graft.support.Multipart;

/**
 * The embedded PostgreSQL server takes password logins only, its generated passwords stay in the
 * data directory readable by their owner alone, and the application connects as a role that is
 * no superuser, on a fresh data directory as on one made by an older Graft (which trusted every
 * local user and connected as the superuser).
 */
class EmbeddedDatabaseCredentialsTest {

    @TempDir
    Path data;

    @Test
    void aFreshServerTakesPasswordLoginsOnlyAndServesTheAppAsAPlainRoleAcrossRestarts() throws Exception {
        String id;
        JsonNode dataset;
        try (ConfigurableApplicationContext first = start()) {
            dataset = upload(first);
            id = dataset.get("id").asString();
            assertRefusesLoginsWithoutThePassword(port(first));
            assertTheAppIsAPlainRoleOwningItsDatabase(first);
        }
        Path postgres = data.resolve("postgres");
        for (String file : new String[] {"graft-superuser.password", "graft-app.password"}) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(postgres.resolve(file))))
                    .as(file).isEqualTo("rw-------");
        }
        assertThat(Files.readString(postgres.resolve("pg_hba.conf"))).doesNotContain("trust");

        try (ConfigurableApplicationContext second = start()) {
            assertThat(ApiClient.on(webPort(second)).get("/v1/datasets/" + id).json()).isEqualTo(dataset);
            assertRefusesLoginsWithoutThePassword(port(second));
            assertTheAppIsAPlainRoleOwningItsDatabase(second);
        }
    }

    @Test
    void aDataDirectoryFromAnOlderGraftKeepsItsDataAndStopsTrustingLocalUsers() throws Exception {
        String id;
        JsonNode dataset;
        // As older versions ran it: zonky's defaults (trust for every local user), the application
        // connected as the superuser to the postgres database.
        try (EmbeddedPostgres old = EmbeddedPostgres.builder().setDataDirectory(data.resolve("postgres"))
                .setCleanDataDirectory(false).start();
                ConfigurableApplicationContext app = SpringApplication.run(GraftApplication.class, "--server.port=0",
                        "--graft.mode=api", "--spring.datasource.url=" + old.getJdbcUrl("postgres", "postgres"),
                        "--graft.storage.root=" + data.resolve("artifacts"))) {
            dataset = upload(app);
            id = dataset.get("id").asString();
        }

        try (ConfigurableApplicationContext converted = start()) {
            assertThat(ApiClient.on(webPort(converted)).get("/v1/datasets/" + id).json()).isEqualTo(dataset);
            assertRefusesLoginsWithoutThePassword(port(converted));
            assertTheAppIsAPlainRoleOwningItsDatabase(converted);
            assertThat(upload(converted).get("id").asString()).as("a new upload after the conversion").startsWith("ds_");
        }
        try (ConfigurableApplicationContext again = start()) {
            assertThat(ApiClient.on(webPort(again)).get("/v1/datasets/" + id).json()).isEqualTo(dataset);
        }
    }

    private static void assertRefusesLoginsWithoutThePassword(int port) {
        for (String user : new String[] {"postgres", "graft"}) {
            for (String database : new String[] {"postgres", "graft", "template1"}) {
                String url = "jdbc:postgresql://localhost:" + port + "/" + database + "?user=" + user;
                assertThatThrownBy(() -> DriverManager.getConnection(url).close()).as(url)
                        .isInstanceOf(SQLException.class).hasMessageContaining("password");
                assertThatThrownBy(() -> DriverManager.getConnection(url + "&password=graft").close()).as(url + " with a guessed password")
                        .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
            }
        }
    }

    private static void assertTheAppIsAPlainRoleOwningItsDatabase(ConfigurableApplicationContext app) {
        JdbcClient jdbc = app.getBean(JdbcClient.class);
        Map<String, Object> role = jdbc.sql("""
                SELECT current_user AS name, rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls,
                       (SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()) AS database_owner
                FROM pg_roles WHERE rolname = current_user
                """).query().singleRow();
        assertThat(role).containsEntry("name", "graft").containsEntry("rolsuper", false).containsEntry("rolcreaterole", false)
                .containsEntry("rolcreatedb", false).containsEntry("rolreplication", false).containsEntry("rolbypassrls", false)
                .containsEntry("database_owner", "graft");
        assertThat(jdbc.sql("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner <> 'graft'")
                .query(Long.class).single()).as("tables not owned by the app's role").isZero();
    }

    private static JsonNode upload(ConfigurableApplicationContext app) {
        return ApiClient.on(webPort(app)).upload("/v1/datasets", Multipart.form().field("format", "csv")
                .file("file", "r.csv", "text/csv", Fixtures.csv(new String[] {"a", "b", "c"}, 8))).json();
    }

    private ConfigurableApplicationContext start() {
        return SpringApplication.run(GraftApplication.class,
                "--server.port=0",
                "--graft.mode=api",
                "--spring.datasource.url=",
                "--graft.database.url=",
                "--graft.database.embedded.data-directory=" + data.resolve("postgres"),
                "--graft.storage.root=" + data.resolve("artifacts"));
    }

    private static int port(ConfigurableApplicationContext app) {
        return URI.create(app.getBean(HikariDataSource.class).getJdbcUrl().substring("jdbc:".length())).getPort();
    }

    private static int webPort(ConfigurableApplicationContext app) {
        return ((WebServerApplicationContext) app).getWebServer().getPort();
    }
}
