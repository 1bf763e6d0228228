-- Online evaluation (issue 19): a rule scores a sampled share of a prompt's production executions with chosen
-- evaluators, after they finished and off their path. The scores land in scores like any other evaluator's.

CREATE TABLE evaluation_rules (
    id              uuid             NOT NULL DEFAULT gen_random_uuid(),
    organization_id uuid             NOT NULL,
    prompt_id       uuid             NOT NULL,
    -- The share of the prompt's finished, successful production executions that are scored, from 0 to 1.
    sampling_rate   double precision NOT NULL,
    -- Only executions of the version this label points at when they finish; null for every version.
    label           varchar(100),
    created_by      uuid,
    created_at      timestamptz      NOT NULL DEFAULT now(),
    updated_at      timestamptz      NOT NULL DEFAULT now(),
    CONSTRAINT evaluation_rules_pkey PRIMARY KEY (id),
    CONSTRAINT evaluation_rules_organization_id_id_key UNIQUE (organization_id, id),
    -- A rule is about its prompt: deleting the prompt deletes its rules.
    CONSTRAINT evaluation_rules_prompt_fkey FOREIGN KEY (organization_id, prompt_id)
        REFERENCES prompts (organization_id, id) ON DELETE CASCADE,
    CONSTRAINT evaluation_rules_created_by_fkey FOREIGN KEY (organization_id, created_by)
        REFERENCES users (organization_id, id) ON DELETE SET NULL (created_by),
    CONSTRAINT evaluation_rules_sampling_rate_range CHECK (sampling_rate >= 0 AND sampling_rate <= 1),
    CONSTRAINT evaluation_rules_label_format CHECK (label IS NULL OR label ~ '^[a-z0-9][a-z0-9_.-]*$')
);

-- A prompt's rules in creation order. Also covers the cascade from prompts.
CREATE INDEX evaluation_rules_prompt_id_created_at_idx
    ON evaluation_rules (organization_id, prompt_id, created_at, id);

-- The evaluators of a rule, in the order given.
CREATE TABLE evaluation_rule_evaluators (
    organization_id uuid    NOT NULL,
    rule_id         uuid    NOT NULL,
    evaluator_id    uuid    NOT NULL,
    position        integer NOT NULL,
    CONSTRAINT evaluation_rule_evaluators_pkey PRIMARY KEY (rule_id, evaluator_id),
    CONSTRAINT evaluation_rule_evaluators_rule_fkey FOREIGN KEY (organization_id, rule_id)
        REFERENCES evaluation_rules (organization_id, id) ON DELETE CASCADE,
    -- Deleting an evaluator takes it out of the rules that name it.
    CONSTRAINT evaluation_rule_evaluators_evaluator_fkey FOREIGN KEY (organization_id, evaluator_id)
        REFERENCES evaluators (organization_id, id) ON DELETE CASCADE,
    CONSTRAINT evaluation_rule_evaluators_position_not_negative CHECK (position >= 0)
);

-- The cascade from evaluators.
CREATE INDEX evaluation_rule_evaluators_evaluator_id_idx ON evaluation_rule_evaluators (evaluator_id);
