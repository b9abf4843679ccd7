-- Fine-tuning jobs. This table is the queue: workers claim rows with FOR UPDATE SKIP LOCKED
-- and hold them under a lease (lease_token + lease_expires_at) that they renew by heartbeat.
CREATE TABLE fine_tuning_jobs (
    id                  text PRIMARY KEY,
    seq                 bigserial NOT NULL UNIQUE,
    status              text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    base_model          text NOT NULL,
    dataset_id          text NOT NULL,
    strategy            text NOT NULL,
    hyperparameters     jsonb NOT NULL,
    seed                bigint NOT NULL,
    validation_fraction double precision,
    suffix              text,
    metadata            jsonb,
    priority            integer NOT NULL DEFAULT 0,
    attempts            integer NOT NULL DEFAULT 0,
    max_attempts        integer NOT NULL,
    claimed_by          text,
    lease_token         uuid,
    lease_expires_at    timestamptz,
    cancel_requested    boolean NOT NULL DEFAULT false,
    progress            jsonb,
    metrics             jsonb,
    error_code          text,
    error_message       text,
    fine_tuned_model    text,
    idempotency_key     text,
    request_hash        text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    started_at          timestamptz,
    finished_at         timestamptz,
    -- A running job always has a lease; a finished one never does.
    CHECK ((status = 'running') = (lease_token IS NOT NULL))
);

-- The claim query's access path: queued jobs by priority, then age.
CREATE INDEX fine_tuning_jobs_queue ON fine_tuning_jobs (priority DESC, seq) WHERE status = 'queued';
-- The reaper's: running jobs by lease expiry.
CREATE INDEX fine_tuning_jobs_leases ON fine_tuning_jobs (lease_expires_at) WHERE status = 'running';
CREATE UNIQUE INDEX fine_tuning_jobs_idempotency ON fine_tuning_jobs (idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX fine_tuning_jobs_dataset ON fine_tuning_jobs (dataset_id);

CREATE TABLE fine_tuning_job_events (
    id          text PRIMARY KEY,
    seq         bigserial NOT NULL UNIQUE,
    job_id      text NOT NULL REFERENCES fine_tuning_jobs (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    level       text NOT NULL CHECK (level IN ('info', 'warn', 'error')),
    type        text NOT NULL,
    message     text NOT NULL,
    data        jsonb
);
CREATE INDEX fine_tuning_job_events_job ON fine_tuning_job_events (job_id, seq);

CREATE TABLE fine_tuning_job_checkpoints (
    id          text PRIMARY KEY,
    seq         bigserial NOT NULL UNIQUE,
    job_id      text NOT NULL REFERENCES fine_tuning_jobs (id) ON DELETE CASCADE,
    epoch       integer NOT NULL,
    step        bigint NOT NULL,
    metrics     jsonb,
    artifact    text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX fine_tuning_job_checkpoints_job ON fine_tuning_job_checkpoints (job_id, seq);

-- Models Graft trained. Registered by the worker in the same transaction that marks its job
-- succeeded, so a succeeded job always names an existing model and no job yields two.
CREATE TABLE fine_tuned_models (
    id          text PRIMARY KEY,
    seq         bigserial NOT NULL UNIQUE,
    job_id      text NOT NULL UNIQUE REFERENCES fine_tuning_jobs (id),
    base_model  text NOT NULL,
    dataset_id  text NOT NULL,
    modality    text NOT NULL,
    labels      jsonb NOT NULL,
    artifact    text NOT NULL,
    bytes       bigint NOT NULL,
    report      jsonb,
    created_at  timestamptz NOT NULL DEFAULT now()
);
