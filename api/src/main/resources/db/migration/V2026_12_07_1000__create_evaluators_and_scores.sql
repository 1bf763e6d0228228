-- Evaluators and scores (issue 19). An evaluator is an organization's named check of an execution's output (exact
-- match, a regex, a JSON Schema, a similarity, an LLM judge, ...): a type and a configuration. Its configuration is
-- versioned like a prompt's template: every change is a new immutable, numbered version, so a score says exactly
-- which configuration gave it and experiments stay comparable. A score is one conclusion about one execution, given
-- by an evaluator version or by a person or application through the API.
--
-- The first milestone's evaluations table was a placeholder that no code ever read or wrote; scores replace it, so it
-- goes. Nothing references it.

DROP TABLE evaluations;

CREATE TABLE evaluators (
    id              uuid         NOT NULL DEFAULT gen_random_uuid(),
    organization_id uuid         NOT NULL,
    name            varchar(255) NOT NULL,
    description     text         NOT NULL DEFAULT '',
    -- Fixed for the life of the evaluator: its versions change the configuration of one kind of check, so the scores
    -- of all its versions mean the same kind of thing (a similarity stays a similarity).
    type            varchar(64)  NOT NULL,
    latest_version  integer      NOT NULL DEFAULT 1,
    created_by      uuid,
    created_at      timestamptz  NOT NULL DEFAULT now(),
    updated_at      timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT evaluators_pkey PRIMARY KEY (id),
    CONSTRAINT evaluators_organization_id_fkey FOREIGN KEY (organization_id)
        REFERENCES organizations (id) ON DELETE CASCADE,
    -- Lets versions reference (organization_id, id), so they cannot belong to another tenant's evaluator.
    CONSTRAINT evaluators_organization_id_id_key UNIQUE (organization_id, id),
    -- Also the index for listing an organization's evaluators by name prefix.
    CONSTRAINT evaluators_organization_id_name_key UNIQUE (organization_id, name),
    -- Removing a user keeps the evaluators they made; only the authorship is forgotten.
    CONSTRAINT evaluators_created_by_fkey FOREIGN KEY (organization_id, created_by)
        REFERENCES users (organization_id, id) ON DELETE SET NULL (created_by),
    CONSTRAINT evaluators_name_not_blank CHECK (btrim(name) <> ''),
    CONSTRAINT evaluators_type_format CHECK (type ~ '^[a-z][a-z0-9_]{0,63}$'),
    CONSTRAINT evaluators_latest_version_positive CHECK (latest_version >= 1)
);

-- Listing an organization's evaluators in creation order (the keyset of their pages).
CREATE INDEX evaluators_organization_id_created_at_idx ON evaluators (organization_id, created_at, id);

CREATE TABLE evaluator_versions (
    id              uuid        NOT NULL DEFAULT gen_random_uuid(),
    organization_id uuid        NOT NULL,
    evaluator_id    uuid        NOT NULL,
    version         integer     NOT NULL,
    -- The evaluator's type, copied so that a version reads whole on its own (what experiments and scores pin).
    type            varchar(64) NOT NULL,
    config          jsonb       NOT NULL DEFAULT '{}'::jsonb,
    created_by      uuid,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT evaluator_versions_pkey PRIMARY KEY (id),
    -- Versions belong to their evaluator's organization; deleting an evaluator deletes its history.
    CONSTRAINT evaluator_versions_evaluator_fkey FOREIGN KEY (organization_id, evaluator_id)
        REFERENCES evaluators (organization_id, id) ON DELETE CASCADE,
    -- Also the index for fetching an evaluator at a version and for paging its versions newest first.
    CONSTRAINT evaluator_versions_evaluator_id_version_key UNIQUE (evaluator_id, version),
    -- Lets scores (and experiments) reference a version by (organization_id, id).
    CONSTRAINT evaluator_versions_organization_id_id_key UNIQUE (organization_id, id),
    CONSTRAINT evaluator_versions_created_by_fkey FOREIGN KEY (organization_id, created_by)
        REFERENCES users (organization_id, id) ON DELETE SET NULL (created_by),
    CONSTRAINT evaluator_versions_version_positive CHECK (version >= 1),
    CONSTRAINT evaluator_versions_type_format CHECK (type ~ '^[a-z][a-z0-9_]{0,63}$'),
    CONSTRAINT evaluator_versions_config_is_object CHECK (jsonb_typeof(config) = 'object')
);

CREATE TABLE scores (
    id                   uuid             NOT NULL DEFAULT gen_random_uuid(),
    organization_id      uuid             NOT NULL,
    execution_id         uuid             NOT NULL,
    -- What is scored: the evaluator's name when an evaluator gave it, the name its giver chose otherwise
    -- ("helpfulness", "thumbs").
    name                 varchar(255)     NOT NULL,
    -- The evaluator version that gave the score; null for a score given through the API by a person or application.
    evaluator_version_id uuid,
    -- numeric, boolean or categorical; null exactly when the evaluator could not score (error is set).
    kind                 varchar(16),
    numeric_value        double precision,
    range_min            double precision,
    range_max            double precision,
    boolean_value        boolean,
    category             varchar(255),
    -- Whether the score meets the evaluator's threshold; null when there is none.
    passed               boolean,
    -- A person's comment or an evaluator's reasoning.
    comment              text,
    -- Why the evaluator could not score this execution (a judge that answered garbage): never a score of zero.
    error                text,
    -- Who gave it through the API (the user of the key); null for an evaluator's score, which evaluator_version_id
    -- names.
    created_by           uuid,
    created_at           timestamptz      NOT NULL DEFAULT now(),
    CONSTRAINT scores_pkey PRIMARY KEY (id),
    -- A score means nothing without its execution, so it goes with it; both are of the same organization.
    CONSTRAINT scores_execution_fkey FOREIGN KEY (organization_id, execution_id)
        REFERENCES executions (organization_id, id) ON DELETE CASCADE,
    -- Deleting an evaluator deletes what it concluded: a score whose evaluator is gone cannot be read (its range,
    -- its threshold) and would pass for a person's.
    CONSTRAINT scores_evaluator_version_fkey FOREIGN KEY (organization_id, evaluator_version_id)
        REFERENCES evaluator_versions (organization_id, id) ON DELETE CASCADE,
    CONSTRAINT scores_created_by_fkey FOREIGN KEY (organization_id, created_by)
        REFERENCES users (organization_id, id) ON DELETE SET NULL (created_by),
    CONSTRAINT scores_name_not_blank CHECK (btrim(name) <> ''),
    CONSTRAINT scores_value_or_error CHECK ((kind IS NULL) = (error IS NOT NULL)),
    CONSTRAINT scores_error_only_from_evaluators CHECK (error IS NULL OR evaluator_version_id IS NOT NULL),
    -- Each kind fills its own columns and no other.
    CONSTRAINT scores_value_shape CHECK (
        (kind IS NULL AND numeric_value IS NULL AND range_min IS NULL AND range_max IS NULL
            AND boolean_value IS NULL AND category IS NULL AND passed IS NULL)
        OR (kind = 'numeric' AND numeric_value IS NOT NULL AND range_min IS NOT NULL AND range_max IS NOT NULL
            AND range_min <= numeric_value AND numeric_value <= range_max
            AND boolean_value IS NULL AND category IS NULL)
        OR (kind = 'boolean' AND boolean_value IS NOT NULL
            AND numeric_value IS NULL AND range_min IS NULL AND range_max IS NULL AND category IS NULL)
        OR (kind = 'categorical' AND category IS NOT NULL AND btrim(category) <> ''
            AND numeric_value IS NULL AND range_min IS NULL AND range_max IS NULL AND boolean_value IS NULL)),
    CONSTRAINT scores_numbers_are_finite CHECK (
        (numeric_value IS NULL OR numeric_value NOT IN ('NaN', 'Infinity', '-Infinity'))
        AND (range_min IS NULL OR range_min NOT IN ('NaN', 'Infinity', '-Infinity'))
        AND (range_max IS NULL OR range_max NOT IN ('NaN', 'Infinity', '-Infinity')))
);

-- Listing an execution's scores in the order they were given. Also covers the cascade from executions.
CREATE INDEX scores_execution_id_created_at_idx ON scores (execution_id, created_at, id);
-- Aggregating an evaluator version's scores (means, pass rates, errors) with no visit to the table. Also covers the
-- cascade from evaluator_versions.
CREATE INDEX scores_evaluator_version_id_idx ON scores (evaluator_version_id)
    INCLUDE (numeric_value, boolean_value, passed, kind)
    WHERE evaluator_version_id IS NOT NULL;
-- Removing a user clears the authorship of the scores they gave.
CREATE INDEX scores_created_by_idx ON scores (created_by) WHERE created_by IS NOT NULL;
