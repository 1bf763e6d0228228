-- One row per prompt execution: what went in, what came out, what it cost and how it ended. Ids are UUIDv7 from the
-- application (time-ordered: good B-tree locality for a write-heavy table, and usable as a page cursor), chosen
-- before the runtime is called so a retried call is idempotent.
--
-- Executions are records, not children: deleting a prompt, a version or a model keeps them (the reference becomes
-- NULL) and the provider and model id are copied into the row so it still says what ran.

CREATE TABLE executions (
    id                     uuid          NOT NULL,
    organization_id        uuid          NOT NULL,
    prompt_id              uuid,
    prompt_version_id      uuid,
    model_id               uuid,
    provider               varchar(20)   NOT NULL,
    provider_model_id      varchar(255)  NOT NULL,
    input                  jsonb         NOT NULL,
    output                 text,
    tokens_input           integer,
    tokens_output          integer,
    latency_ms             integer,
    time_to_first_token_ms integer,
    cost_usd               numeric(18, 10),
    status                 varchar(20)   NOT NULL DEFAULT 'pending',
    error_code             varchar(50),
    error_message          text,
    created_by             uuid,
    created_at             timestamptz   NOT NULL DEFAULT now(),
    started_at             timestamptz,
    finished_at            timestamptz,
    deadline_at            timestamptz,
    CONSTRAINT executions_pkey PRIMARY KEY (id),
    CONSTRAINT executions_organization_id_fkey FOREIGN KEY (organization_id)
        REFERENCES organizations (id) ON DELETE CASCADE,
    CONSTRAINT executions_organization_id_id_key UNIQUE (organization_id, id),
    -- SET NULL (column) clears only the reference, never organization_id (PostgreSQL 15+).
    CONSTRAINT executions_prompt_fkey FOREIGN KEY (organization_id, prompt_id)
        REFERENCES prompts (organization_id, id) ON DELETE SET NULL (prompt_id),
    CONSTRAINT executions_prompt_version_fkey FOREIGN KEY (organization_id, prompt_version_id)
        REFERENCES prompt_versions (organization_id, id) ON DELETE SET NULL (prompt_version_id),
    CONSTRAINT executions_model_fkey FOREIGN KEY (organization_id, model_id)
        REFERENCES models (organization_id, id) ON DELETE SET NULL (model_id),
    CONSTRAINT executions_created_by_fkey FOREIGN KEY (organization_id, created_by)
        REFERENCES users (organization_id, id) ON DELETE SET NULL (created_by),
    CONSTRAINT executions_status_check CHECK (
        status IN ('pending', 'running', 'succeeded', 'failed', 'cancelled', 'timed_out')),
    CONSTRAINT executions_input_is_object CHECK (jsonb_typeof(input) = 'object'),
    CONSTRAINT executions_counts_not_negative CHECK (
        coalesce(tokens_input, 0) >= 0 AND coalesce(tokens_output, 0) >= 0
        AND coalesce(latency_ms, 0) >= 0 AND coalesce(time_to_first_token_ms, 0) >= 0
        AND coalesce(cost_usd, 0) >= 0),
    -- A record is finished exactly when its status is terminal; a failure always says why.
    CONSTRAINT executions_finished_when_terminal CHECK (
        (status IN ('pending', 'running')) = (finished_at IS NULL)),
    CONSTRAINT executions_failure_has_code CHECK (
        status NOT IN ('failed', 'timed_out') OR error_code IS NOT NULL)
);

-- The execution history of an organization, newest first, with id as the tie-breaker of the page cursor.
CREATE INDEX executions_organization_id_created_at_idx ON executions (organization_id, created_at DESC, id DESC);
-- The history of one prompt, newest first.
CREATE INDEX executions_prompt_id_created_at_idx ON executions (organization_id, prompt_id, created_at DESC, id DESC);
-- Filtering the history by status (e.g. failures of the last hour).
CREATE INDEX executions_status_created_at_idx ON executions (organization_id, status, created_at DESC, id DESC);
-- The sweeper finds unfinished executions past their deadline; a partial index keeps this tiny, since almost every
-- row is finished.
CREATE INDEX executions_unfinished_deadline_idx ON executions (deadline_at) WHERE status IN ('pending', 'running');
-- SET NULL on delete of a version, a model or a user scans executions by these columns.
CREATE INDEX executions_prompt_version_id_idx ON executions (prompt_version_id) WHERE prompt_version_id IS NOT NULL;
CREATE INDEX executions_model_id_idx ON executions (model_id) WHERE model_id IS NOT NULL;
CREATE INDEX executions_created_by_idx ON executions (created_by) WHERE created_by IS NOT NULL;
