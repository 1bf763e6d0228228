-- Every move of a prompt's label, kept for good (issue 19, eval-gated promotion): where it pointed before and after,
-- who moved it, what the label's policy said and, when an owner moved it against a refusal, why. Version numbers,
-- not version rows: the history outlives a deleted version.
CREATE TABLE prompt_label_moves (
    id              uuid         NOT NULL DEFAULT gen_random_uuid(),
    organization_id uuid         NOT NULL,
    prompt_id       uuid         NOT NULL,
    label           varchar(100) NOT NULL,
    -- Null when the label was new.
    from_version    integer,
    -- Null when the label was removed.
    to_version      integer,
    moved_by        uuid,
    moved_at        timestamptz  NOT NULL DEFAULT now(),
    -- The policy's verdict and the figures that decided it; null when the label had no policy.
    gate            jsonb,
    -- Set exactly when an owner moved the label although its policy refused the version.
    override_reason text,
    CONSTRAINT prompt_label_moves_pkey PRIMARY KEY (id),
    CONSTRAINT prompt_label_moves_prompt_fkey FOREIGN KEY (organization_id, prompt_id)
        REFERENCES prompts (organization_id, id) ON DELETE CASCADE,
    CONSTRAINT prompt_label_moves_moved_by_fkey FOREIGN KEY (organization_id, moved_by)
        REFERENCES users (organization_id, id) ON DELETE SET NULL (moved_by),
    CONSTRAINT prompt_label_moves_moves_something CHECK (from_version IS NOT NULL OR to_version IS NOT NULL),
    CONSTRAINT prompt_label_moves_gate_is_object CHECK (gate IS NULL OR jsonb_typeof(gate) = 'object'),
    CONSTRAINT prompt_label_moves_override_not_blank CHECK (override_reason IS NULL OR btrim(override_reason) <> '')
);

-- A label's history, newest first (the keyset of its pages).
CREATE INDEX prompt_label_moves_prompt_label_idx ON prompt_label_moves (prompt_id, label, moved_at DESC, id DESC);
