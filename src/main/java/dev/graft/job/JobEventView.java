package dev.graft.job;

import java.util.Map;

/** A job event, shaped like OpenAI's {@code fine_tuning.job.event}. */
public record JobEventView(String id, String object, long createdAt, String level, String type, String message,
        Map<String, Object> data) {
}
