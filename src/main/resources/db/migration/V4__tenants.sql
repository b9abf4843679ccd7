-- Tenants and their API keys. Every dataset, job and model belongs to one tenant; job events and
-- checkpoints belong to their job's. Rows from before tenants existed, and everything made in
-- open mode (no keys configured), belong to the built-in tenant 'tenant_default'.
CREATE TABLE tenants (
    id          text PRIMARY KEY,
    seq         bigserial NOT NULL UNIQUE,
    name        text NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO tenants (id, name) VALUES ('tenant_default', 'default');

-- A key is shown once, when it is made; only its SHA-256 is kept (keys carry 256 random bits,
-- so a fast hash is enough: there is nothing to brute-force).
CREATE TABLE api_keys (
    id            text PRIMARY KEY,
    seq           bigserial NOT NULL UNIQUE,
    tenant_id     text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name          text,
    -- the first characters of the key, so a user can tell their keys apart in a listing
    prefix        text NOT NULL,
    hash          char(64) NOT NULL UNIQUE,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_used_at  timestamptz,
    revoked_at    timestamptz
);
CREATE INDEX api_keys_tenant ON api_keys (tenant_id, seq);

-- The default only back-fills existing rows; new rows must name their tenant.
ALTER TABLE datasets ADD COLUMN tenant_id text NOT NULL DEFAULT 'tenant_default' REFERENCES tenants (id);
ALTER TABLE datasets ALTER COLUMN tenant_id DROP DEFAULT;
CREATE INDEX datasets_tenant ON datasets (tenant_id, seq);

ALTER TABLE fine_tuning_jobs ADD COLUMN tenant_id text NOT NULL DEFAULT 'tenant_default' REFERENCES tenants (id);
ALTER TABLE fine_tuning_jobs ALTER COLUMN tenant_id DROP DEFAULT;
CREATE INDEX fine_tuning_jobs_tenant ON fine_tuning_jobs (tenant_id, seq);
-- The per-tenant concurrency limit counts a tenant's running jobs at every claim.
CREATE INDEX fine_tuning_jobs_tenant_running ON fine_tuning_jobs (tenant_id) WHERE status = 'running';
-- Idempotency keys are the client's: two tenants may pick the same one.
DROP INDEX fine_tuning_jobs_idempotency;
CREATE UNIQUE INDEX fine_tuning_jobs_idempotency ON fine_tuning_jobs (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

ALTER TABLE fine_tuned_models ADD COLUMN tenant_id text NOT NULL DEFAULT 'tenant_default' REFERENCES tenants (id);
ALTER TABLE fine_tuned_models ALTER COLUMN tenant_id DROP DEFAULT;
CREATE INDEX fine_tuned_models_tenant ON fine_tuned_models (tenant_id, seq);

ALTER TABLE imported_models ADD COLUMN tenant_id text NOT NULL DEFAULT 'tenant_default' REFERENCES tenants (id);
ALTER TABLE imported_models ALTER COLUMN tenant_id DROP DEFAULT;
