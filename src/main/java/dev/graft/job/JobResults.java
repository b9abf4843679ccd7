package dev.graft.job;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A job's result file, like OpenAI's {@code result_files}: one CSV row per trained epoch with its
 * training and validation loss and accuracy, from the checkpoints the worker records after each
 * epoch (so a running, failed or resumed job has one too, up to its latest epoch). A resumed
 * attempt that trains an epoch again replaces that epoch's row. Validation cells are empty where
 * the run had no validation split (the refit of strategy {@code auto} trains on every example).
 */
final class JobResults {

    static final String COLUMNS = "epoch,step,train_loss,train_accuracy,valid_loss,valid_accuracy,seconds";
    private static final List<String> METRICS = List.of("train_loss", "train_accuracy", "valid_loss", "valid_accuracy", "seconds");

    private JobResults() {
    }

    /** Where a job's results are downloaded; what {@code result_files} lists. */
    static String path(String jobId) {
        return "/v1/fine_tuning/jobs/" + jobId + "/results";
    }

    static String csv(List<JobEventRepository.CheckpointRow> checkpoints, JsonMapper json) {
        Map<Integer, JobEventRepository.CheckpointRow> byEpoch = new LinkedHashMap<>();
        for (JobEventRepository.CheckpointRow row : checkpoints) {
            byEpoch.remove(row.epoch()); // the later attempt's row goes last, in training order
            byEpoch.put(row.epoch(), row);
        }
        StringBuilder csv = new StringBuilder(COLUMNS).append('\n');
        for (JobEventRepository.CheckpointRow row : byEpoch.values()) {
            JsonNode metrics = row.metrics() == null ? null : json.readTree(row.metrics());
            csv.append(row.epoch()).append(',').append(row.step());
            for (String name : METRICS) {
                JsonNode value = metrics == null ? null : metrics.get(name);
                csv.append(',');
                if (value != null && value.isNumber()) {
                    csv.append(value.asString());
                }
            }
            csv.append('\n');
        }
        return csv.toString();
    }
}
