package dev.graft.worker;

/**
 * How this process takes part ({@code graft.mode}): {@code all} serves the API and supervises
 * local worker processes, {@code api} only serves the API, {@code worker} only runs jobs (no
 * HTTP), for scaling out on machines that share the database and the artifact store.
 */
public enum GraftMode {
    ALL, API, WORKER
}
