package dev.graft.job;

import org.springframework.stereotype.Component;

import dev.graft.dataset.DatasetUsage;

/** A dataset cannot be deleted while a queued or running job will still read it. */
@Component
class JobDatasetUsage implements DatasetUsage {

    private final JobRepository jobs;

    JobDatasetUsage(JobRepository jobs) {
        this.jobs = jobs;
    }

    @Override
    public String blockingUse(String datasetId) {
        return jobs.activeJobUses(datasetId) ? "a queued or running fine-tuning job trains on it" : null;
    }
}
