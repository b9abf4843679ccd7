package dev.graft.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/** What the load's clients saw, shared by all of them: counts per operation and status, failures, status-read latencies. */
final class LoadStats {

    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Long> statusReadNanos = new ConcurrentLinkedQueue<>();

    void count(String operation, int status) {
        counts.computeIfAbsent(operation + " " + status, k -> new AtomicLong()).incrementAndGet();
    }

    /** An answer the operation must never get (any 5xx, or a status that contradicts the request). */
    void failure(String operation, int status, String body) {
        failures.add(operation + " -> " + status + ": " + (body.length() > 300 ? body.substring(0, 300) + "…" : body));
    }

    void statusRead(long nanos) {
        statusReadNanos.add(nanos);
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    long count(String operationAndStatus) {
        AtomicLong n = counts.get(operationAndStatus);
        return n == null ? 0 : n.get();
    }

    /** The {@code q} quantile (0..1) of status-read latency, nearest rank. */
    Duration statusReadQuantile(double q) {
        List<Long> sorted = new ArrayList<>(statusReadNanos);
        if (sorted.isEmpty()) {
            return Duration.ZERO;
        }
        Collections.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.size());
        return Duration.ofNanos(sorted.get(Math.max(0, rank - 1)));
    }

    int statusReads() {
        return statusReadNanos.size();
    }

    String markdown(int clients, Duration duration, Map<String, Object> outcome) {
        StringBuilder md = new StringBuilder("# Mixed load\n\n");
        md.append(String.format(Locale.ROOT, "%d clients on loopback for %d s (MixedLoadTest; -Dgraft.load.duration to change), "
                + "API, one worker process and the clients sharing %d cores.%n%n",
                clients, duration.toSeconds(), Runtime.getRuntime().availableProcessors()));
        md.append(String.format(Locale.ROOT, "Status reads (GET /v1/fine_tuning/jobs/{id}): %d, p50 %.1f ms, p95 %.1f ms, "
                + "**p99 %.1f ms**, max %.1f ms%n%n", statusReads(), millis(statusReadQuantile(0.5)),
                millis(statusReadQuantile(0.95)), millis(statusReadQuantile(0.99)), millis(statusReadQuantile(1.0))));
        md.append("| operation and status | count |\n|---|---|\n");
        new TreeMap<>(counts).forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v.get()).append(" |\n"));
        md.append("\n| outcome | value |\n|---|---|\n");
        outcome.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        md.append("\nFailures (5xx or unexpected status): ").append(failures.size()).append('\n');
        failures.stream().limit(20).forEach(f -> md.append("- ").append(f).append('\n'));
        return md.toString();
    }

    private static double millis(Duration d) {
        return d.toNanos() / 1e6;
    }
}
