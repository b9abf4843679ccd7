-- Datasets: one row per validated upload. The file itself and its split live in the artifact
-- store under datasets/<id>/; a row exists only once both are committed.
CREATE TABLE datasets (
    id                  text PRIMARY KEY,
    -- Cursor pagination orders by this internal sequence; ids stay opaque and random.
    seq                 bigserial NOT NULL UNIQUE,
    name                text NOT NULL,
    format              text NOT NULL CHECK (format IN ('image_folder', 'csv', 'text')),
    status              text NOT NULL CHECK (status IN ('ready')),
    filename            text,
    bytes               bigint NOT NULL CHECK (bytes > 0),
    sha256              char(64) NOT NULL,
    num_examples        integer NOT NULL,
    -- labels, class_counts and format details as the API shows them.
    stats               jsonb NOT NULL,
    validation_fraction double precision NOT NULL CHECK (validation_fraction > 0 AND validation_fraction < 1),
    split_seed          bigint NOT NULL,
    train_examples      integer NOT NULL,
    validation_examples integer NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now()
);
