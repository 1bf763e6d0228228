-- Evaluations score an execution (an output judged by a person, a rule or a model) or a prompt version as a whole
-- (a test-suite run). Exactly one of the two is the subject.

CREATE TABLE evaluations (
    id                uuid             NOT NULL DEFAULT gen_random_uuid(),
    organization_id   uuid             NOT NULL,
    execution_id      uuid,
    prompt_version_id uuid,
    evaluator         varchar(255)     NOT NULL,
    score             double precision,
    passed            boolean,
    details           jsonb            NOT NULL DEFAULT '{}'::jsonb,
    created_by        uuid,
    created_at        timestamptz      NOT NULL DEFAULT now(),
    updated_at        timestamptz      NOT NULL DEFAULT now(),
    CONSTRAINT evaluations_pkey PRIMARY KEY (id),
    CONSTRAINT evaluations_organization_id_fkey FOREIGN KEY (organization_id)
        REFERENCES organizations (id) ON DELETE CASCADE,
    -- An evaluation means nothing without its subject, so it goes with it; both must be of the same organization.
    CONSTRAINT evaluations_execution_fkey FOREIGN KEY (organization_id, execution_id)
        REFERENCES executions (organization_id, id) ON DELETE CASCADE,
    CONSTRAINT evaluations_prompt_version_fkey FOREIGN KEY (organization_id, prompt_version_id)
        REFERENCES prompt_versions (organization_id, id) ON DELETE CASCADE,
    CONSTRAINT evaluations_created_by_fkey FOREIGN KEY (organization_id, created_by)
        REFERENCES users (organization_id, id) ON DELETE SET NULL (created_by),
    CONSTRAINT evaluations_one_subject CHECK ((execution_id IS NULL) <> (prompt_version_id IS NULL)),
    CONSTRAINT evaluations_score_is_finite CHECK (score IS NULL OR score NOT IN ('NaN', 'Infinity', '-Infinity')),
    CONSTRAINT evaluations_details_is_object CHECK (jsonb_typeof(details) = 'object'),
    CONSTRAINT evaluations_evaluator_not_blank CHECK (btrim(evaluator) <> '')
);

-- Scores of one execution, and of one prompt version (leaderboards compare versions by these).
CREATE INDEX evaluations_execution_id_idx ON evaluations (execution_id, created_at DESC) WHERE execution_id IS NOT NULL;
CREATE INDEX evaluations_prompt_version_id_idx ON evaluations (prompt_version_id, created_at DESC)
    WHERE prompt_version_id IS NOT NULL;
-- An organization's recent evaluations by evaluator.
CREATE INDEX evaluations_organization_id_evaluator_idx ON evaluations (organization_id, evaluator, created_at DESC);
