package dev.graft.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Everything a request could leave behind: the ids of every row Graft keeps (jobs with their
 * status, so a refused cancel that still flipped one shows) and every path in the artifact store,
 * staging area included, with file sizes. Two equal snapshots mean a request stored nothing,
 * not even half of something.
 */
public record StoredState(Map<String, List<String>> rows, List<String> files) {

    /** Table name, and what identifies a row's state in it. */
    private static final Map<String, String> TABLES = Map.of(
            "datasets", "id",
            "fine_tuning_jobs", "id || ' ' || status || ' cancel_requested=' || cancel_requested",
            "fine_tuning_job_events", "id",
            "fine_tuning_job_checkpoints", "id",
            "fine_tuned_models", "id",
            "imported_models", "id",
            "tenants", "id",
            "api_keys", "id || ' ' || coalesce(revoked_at::text, 'live')");

    public static StoredState read(JdbcClient jdbc, Path storeRoot) {
        Map<String, List<String>> rows = new LinkedHashMap<>();
        TABLES.keySet().stream().sorted().forEach(table -> rows.put(table,
                jdbc.sql("SELECT " + TABLES.get(table) + " FROM " + table + " ORDER BY seq").query(String.class).list()));
        return new StoredState(rows, files(storeRoot));
    }

    /** The regular files under {@code dir}, at any depth, sorted. */
    public static List<Path> regularFiles(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            return paths.filter(Files::isRegularFile).sorted().toList();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> files(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(p -> !p.equals(root)).sorted()
                    .map(p -> root.relativize(p) + (Files.isDirectory(p) ? "/" : " " + p.toFile().length() + " bytes"))
                    .toList();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
