-- max_duration: a job's wall-clock budget in seconds, counted from when it first started running
-- (time spent queued again between attempts counts too). NULL only on jobs created before
-- budgets existed: they have none.
ALTER TABLE fine_tuning_jobs ADD COLUMN max_duration_seconds bigint CHECK (max_duration_seconds > 0);

-- The claim shares workers across tenants: it counts each tenant's running jobs (V4's
-- fine_tuning_jobs_tenant_running) and orders a tenant's queued jobs by the tenant's own priority,
-- so the queue index now leads with the tenant.
DROP INDEX fine_tuning_jobs_queue;
CREATE INDEX fine_tuning_jobs_queue ON fine_tuning_jobs (tenant_id, priority DESC, seq) WHERE status = 'queued';

