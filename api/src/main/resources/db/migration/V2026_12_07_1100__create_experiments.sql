-- Experiments (issue 19): one prompt version on one model over one pinned dataset version, scored by pinned
-- evaluator versions, each item run N times. Everything an experiment runs with is resolved once, when it is created,
-- and stored here, so that it reads (and compares) the same forever: a label is resolved to a version and both are
-- kept, "latest" of a dataset is resolved to a version id.
--
-- The state of a running experiment lives here, not in a replica's memory: any replica picks up queued runs, and a
-- replica that stops leaves nothing that another cannot finish (docs/evaluations.md#durability).

CREATE TABLE experiments (
    id                   uuid          NOT NULL DEFAULT gen_random_uuid(),
    organization_id      uuid          NOT NULL,
    name                 varchar(255)  NOT NULL,
    prompt_id            uuid,
    prompt_version_id    uuid,
    -- The number of the version that runs, and the label it was asked by (null when asked by number or newest).
    prompt_version       integer       NOT NULL,
    prompt_label         varchar(100),
    model_id             uuid,
    dataset_id           uuid          NOT NULL,
    dataset_version_id   uuid          NOT NULL,
    dataset_version      integer       NOT NULL,
    -- The pinned evaluator versions: [{"evaluatorId", "evaluatorVersionId", "name", "version", "type"}], in the
    -- order asked. The evaluators module owns their tables; this is a record of what was pinned.
    evaluators           jsonb         NOT NULL DEFAULT '[]'::jsonb,
    repetitions          integer       NOT NULL,
    concurrency          integer       NOT NULL,
    status               varchar(20)   NOT NULL DEFAULT 'queued',
    -- Written when the experiment ends (completed, cancelled, failed); while it runs they are read from its runs.
    total_runs           integer       NOT NULL,
    succeeded_runs       integer       NOT NULL DEFAULT 0,
    failed_runs          integer       NOT NULL DEFAULT 0,
    cancelled_runs       integer       NOT NULL DEFAULT 0,
    cost_usd             numeric(18, 10),
    error_message        text,
    created_by           uuid,
    created_at           timestamptz   NOT NULL DEFAULT now(),
    started_at           timestamptz,
    finished_at          timestamptz,
    CONSTRAINT experiments_pkey PRIMARY KEY (id),
    CONSTRAINT experiments_organization_id_fkey FOREIGN KEY (organization_id)
        REFERENCES organizations (id) ON DELETE CASCADE,
    CONSTRAINT experiments_organization_id_id_key UNIQUE (organization_id, id),
    -- An experiment is a record of what ran: deleting the prompt, its version or the model keeps it.
    CONSTRAINT experiments_prompt_fkey FOREIGN KEY (organization_id, prompt_id)
        REFERENCES prompts (organization_id, id) ON DELETE SET NULL (prompt_id),
    CONSTRAINT experiments_prompt_version_fkey FOREIGN KEY (organization_id, prompt_version_id)
        REFERENCES prompt_versions (organization_id, id) ON DELETE SET NULL (prompt_version_id),
    CONSTRAINT experiments_model_fkey FOREIGN KEY (organization_id, model_id)
        REFERENCES models (organization_id, id) ON DELETE SET NULL (model_id),
    -- A pinned dataset version is kept: deleting its dataset is refused (409) while an experiment pins it.
    CONSTRAINT experiments_dataset_version_fkey FOREIGN KEY (organization_id, dataset_version_id)
        REFERENCES dataset_versions (organization_id, id),
    CONSTRAINT experiments_created_by_fkey FOREIGN KEY (organization_id, created_by)
        REFERENCES users (organization_id, id) ON DELETE SET NULL (created_by),
    CONSTRAINT experiments_status_check CHECK (
        status IN ('queued', 'running', 'completed', 'cancelled', 'failed')),
    CONSTRAINT experiments_name_not_blank CHECK (btrim(name) <> ''),
    CONSTRAINT experiments_repetitions_range CHECK (repetitions BETWEEN 1 AND 100),
    CONSTRAINT experiments_concurrency_range CHECK (concurrency BETWEEN 1 AND 1000),
    CONSTRAINT experiments_evaluators_is_array CHECK (jsonb_typeof(evaluators) = 'array'),
    CONSTRAINT experiments_counts_not_negative CHECK (
        total_runs >= 0 AND succeeded_runs >= 0 AND failed_runs >= 0 AND cancelled_runs >= 0
        AND coalesce(cost_usd, 0) >= 0),
    CONSTRAINT experiments_finished_when_terminal CHECK (
        (status IN ('queued', 'running')) = (finished_at IS NULL))
);

-- An organization's experiments, newest first (the keyset of their pages).
CREATE INDEX experiments_organization_id_created_at_idx ON experiments (organization_id, created_at DESC, id DESC);
-- What the runners of every replica look for: the few experiments with work left.
CREATE INDEX experiments_unfinished_idx ON experiments (created_at) WHERE status IN ('queued', 'running');
-- Comparisons and leaderboards read the experiments of one dataset version.
CREATE INDEX experiments_dataset_version_idx ON experiments (organization_id, dataset_version_id);

-- One run per dataset item and repetition: one ordinary execution, then its evaluations.
CREATE TABLE experiment_runs (
    id               uuid          NOT NULL DEFAULT gen_random_uuid(),
    organization_id  uuid          NOT NULL,
    experiment_id    uuid          NOT NULL,
    dataset_item_id  uuid          NOT NULL,
    -- The item's position in the pinned version (1, 2, ...): runs are claimed and listed in this order.
    item_position    integer       NOT NULL,
    repetition       integer       NOT NULL,
    status           varchar(20)   NOT NULL DEFAULT 'queued',
    -- The execution of the latest attempt; an execution is kept when its run is retried (it is a record).
    execution_id     uuid,
    error_code       varchar(50),
    error_message    text,
    -- Executions started for this run (a 429 or a lost replica makes another); bounded (EXPERIMENT_MAX_RUN_ATTEMPTS).
    attempts         integer       NOT NULL DEFAULT 0,
    -- Copied from the execution when the run ends, so a summary reads runs alone.
    latency_ms       integer,
    cost_usd         numeric(18, 10),
    -- The lease of a running run: which replica holds it and until when. A lease that is not renewed (the replica
    -- stopped) lets another replica take the run back.
    claimed_by       varchar(255),
    lease_until      timestamptz,
    -- A run backed off after a 429 waits until then before it is claimed again.
    not_before       timestamptz,
    created_at       timestamptz   NOT NULL DEFAULT now(),
    started_at       timestamptz,
    finished_at      timestamptz,
    CONSTRAINT experiment_runs_pkey PRIMARY KEY (id),
    CONSTRAINT experiment_runs_experiment_fkey FOREIGN KEY (organization_id, experiment_id)
        REFERENCES experiments (organization_id, id) ON DELETE CASCADE,
    CONSTRAINT experiment_runs_item_repetition_key UNIQUE (experiment_id, item_position, repetition),
    CONSTRAINT experiment_runs_status_check CHECK (
        status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    CONSTRAINT experiment_runs_repetition_positive CHECK (repetition >= 1 AND item_position >= 1),
    CONSTRAINT experiment_runs_leased_when_running CHECK ((status = 'running') = (lease_until IS NOT NULL)),
    CONSTRAINT experiment_runs_finished_when_terminal CHECK (
        (status IN ('queued', 'running')) = (finished_at IS NULL))
);

-- Claiming: the queued runs of an experiment in order; the partial index stays as small as the work left.
CREATE INDEX experiment_runs_queued_idx ON experiment_runs (experiment_id, item_position, repetition)
    WHERE status = 'queued';
-- Taking back runs whose lease ran out, and counting an experiment's runs in flight.
CREATE INDEX experiment_runs_running_idx ON experiment_runs (experiment_id, lease_until) WHERE status = 'running';
-- Progress events: runs finished since a moment.
CREATE INDEX experiment_runs_finished_idx ON experiment_runs (experiment_id, finished_at) WHERE finished_at IS NOT NULL;

-- Experiment traffic is told apart from production traffic: an execution names the experiment it ran for.
ALTER TABLE executions ADD COLUMN experiment_id uuid;
-- Deleting an experiment keeps its executions (they are records, and were paid for); only the link goes.
ALTER TABLE executions ADD CONSTRAINT executions_experiment_fkey FOREIGN KEY (organization_id, experiment_id)
    REFERENCES experiments (organization_id, id) ON DELETE SET NULL (experiment_id) NOT VALID;
CREATE INDEX executions_experiment_id_idx ON executions (experiment_id) WHERE experiment_id IS NOT NULL;
