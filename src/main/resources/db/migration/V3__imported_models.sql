-- Base models imported as TorchScript files or as Graft model artifacts (the zip that
-- GET /v1/models/{id}/artifact downloads). A row is written only after the upload has loaded
-- (a TorchScript module has also answered a dummy batch with the shape its descriptor promises)
-- and only after its files are in the artifact store, so a row always names a usable model.
CREATE TABLE imported_models (
    id              text PRIMARY KEY,
    seq             bigserial NOT NULL UNIQUE,
    name            text NOT NULL,
    format          text NOT NULL CHECK (format IN ('torchscript', 'graft')),
    modality        text NOT NULL CHECK (modality IN ('image', 'tabular', 'text')),
    -- one example's shape: [channels, height, width] for images
    input_shape     jsonb NOT NULL,
    -- {"mean": [...], "std": [...]}, one value per channel, applied after scaling pixels to [0,1]
    normalisation   jsonb NOT NULL,
    output_kind     text NOT NULL CHECK (output_kind IN ('embeddings', 'logits')),
    -- values per example the module returns: the new head's input size
    embedding_size  integer NOT NULL CHECK (embedding_size > 0),
    artifact        text NOT NULL,
    bytes           bigint NOT NULL,
    sha256          text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
