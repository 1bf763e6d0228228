-- Traffic splits (issue 20): a label may send its executions to several versions by weight, for example 90/10, while
-- it keeps pointing at its own version (prompt_labels.prompt_version_id), which it goes back to when the split is
-- removed. One split per label at a time; every change of it is a new row with a new id, so the executions of one
-- split (executions.split_id) are compared with each other and not with an earlier split's. Arms are version numbers
-- with positive integer weights, in the order the caller gave them (the order matters to the sticky assignment).
CREATE TABLE prompt_label_splits (
    id              uuid         NOT NULL DEFAULT gen_random_uuid(),
    organization_id uuid         NOT NULL,
    prompt_id       uuid         NOT NULL,
    label           varchar(100) NOT NULL,
    versions        integer[]    NOT NULL,
    weights         integer[]    NOT NULL,
    created_by      uuid,
    created_at      timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT prompt_label_splits_pkey PRIMARY KEY (id),
    -- Also the index for reading a prompt's splits with its labels.
    CONSTRAINT prompt_label_splits_prompt_id_label_key UNIQUE (prompt_id, label),
    -- Removing the label (or its prompt) removes its split.
    CONSTRAINT prompt_label_splits_label_fkey FOREIGN KEY (prompt_id, label)
        REFERENCES prompt_labels (prompt_id, name) ON DELETE CASCADE,
    CONSTRAINT prompt_label_splits_prompt_fkey FOREIGN KEY (organization_id, prompt_id)
        REFERENCES prompts (organization_id, id) ON DELETE CASCADE,
    CONSTRAINT prompt_label_splits_created_by_fkey FOREIGN KEY (organization_id, created_by)
        REFERENCES users (organization_id, id) ON DELETE SET NULL (created_by),
    CONSTRAINT prompt_label_splits_arms_count CHECK (cardinality(versions) BETWEEN 2 AND 10),
    CONSTRAINT prompt_label_splits_weights_match CHECK (cardinality(weights) = cardinality(versions)),
    CONSTRAINT prompt_label_splits_weights_positive CHECK (0 < ALL (weights)),
    CONSTRAINT prompt_label_splits_versions_positive CHECK (0 < ALL (versions))
);

-- A label's history also keeps its splits: 'split' sets one (its id and arms in split), 'unsplit' removes one. Both
-- leave the label's own version as it was (from_version = to_version).
ALTER TABLE prompt_label_moves
    ADD COLUMN kind varchar(16) NOT NULL DEFAULT 'move',
    ADD COLUMN split jsonb,
    ADD CONSTRAINT prompt_label_moves_kind_check CHECK (kind IN ('move', 'split', 'unsplit')),
    ADD CONSTRAINT prompt_label_moves_split_is_object CHECK (split IS NULL OR jsonb_typeof(split) = 'object');

-- Which label an execution resolved and, when the label had a split, which split picked its version (the arm is the
-- version it ran: a split names each version once). No foreign key: the record outlives the split.
ALTER TABLE executions
    ADD COLUMN prompt_label varchar(100),
    ADD COLUMN split_id uuid;

-- A split's readout (figures per arm) and the executions list filtered by split.
CREATE INDEX executions_split_id_idx ON executions (split_id) WHERE split_id IS NOT NULL;
