package dev.graft.job;

import org.springframework.stereotype.Component;

import dev.graft.model.ModelUsage;

/** A model cannot be deleted while a queued or running job will still start from its weights. */
@Component
class JobModelUsage implements ModelUsage {

    private final JobRepository jobs;

    JobModelUsage(JobRepository jobs) {
        this.jobs = jobs;
    }

    @Override
    public String blockingUse(String modelId) {
        return jobs.activeJobStartsFrom(modelId) ? "a queued or running fine-tuning job starts from it" : null;
    }
}
