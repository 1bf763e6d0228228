-- Benchmarks, their leaderboards and label policies (issue 19).
--
-- A benchmark is one dataset version plus a set of evaluators, each pinned at a version and with the direction that
-- is better. Every finished experiment on that dataset version that scored with those evaluators becomes the entry
-- of its prompt version x model on the leaderboard (the newest such experiment wins). An entry whose experiment used
-- another version of an evaluator than the benchmark pins is stale: shown, marked, never the basis of a gate.
-- PostgreSQL is the source of truth; Redis sorted sets serve the reads and are rebuilt from here.

CREATE TABLE benchmarks (
    id              uuid         NOT NULL DEFAULT gen_random_uuid(),
    organization_id uuid         NOT NULL,
    name            varchar(255) NOT NULL,
    description     text         NOT NULL DEFAULT '',
    dataset_id      uuid         NOT NULL,
    dataset_version integer      NOT NULL,
    -- The evaluator whose mean ranks the leaderboard unless a reader asks for another.
    rank_by         uuid         NOT NULL,
    created_by      uuid,
    created_at      timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT benchmarks_pkey PRIMARY KEY (id),
    CONSTRAINT benchmarks_organization_id_id_key UNIQUE (organization_id, id),
    CONSTRAINT benchmarks_organization_id_name_key UNIQUE (organization_id, name),
    -- A benchmark means nothing without its dataset version, so it goes with it.
    CONSTRAINT benchmarks_dataset_fkey FOREIGN KEY (organization_id, dataset_id)
        REFERENCES datasets (organization_id, id) ON DELETE CASCADE,
    CONSTRAINT benchmarks_dataset_version_fkey FOREIGN KEY (dataset_id, dataset_version)
        REFERENCES dataset_versions (dataset_id, version) ON DELETE CASCADE,
    CONSTRAINT benchmarks_created_by_fkey FOREIGN KEY (organization_id, created_by)
        REFERENCES users (organization_id, id) ON DELETE SET NULL (created_by),
    CONSTRAINT benchmarks_name_not_blank CHECK (btrim(name) <> '')
);

-- Listing an organization's benchmarks in creation order; matching a finished experiment to its benchmarks.
CREATE INDEX benchmarks_organization_id_created_at_idx ON benchmarks (organization_id, created_at, id);
CREATE INDEX benchmarks_dataset_idx ON benchmarks (dataset_id, dataset_version);

CREATE TABLE benchmark_metrics (
    organization_id   uuid       NOT NULL,
    benchmark_id      uuid       NOT NULL,
    evaluator_id      uuid       NOT NULL,
    evaluator_version integer    NOT NULL,
    -- 'higher' when a larger mean is better (accuracy), 'lower' when a smaller one is (a distance).
    direction         varchar(6) NOT NULL,
    CONSTRAINT benchmark_metrics_pkey PRIMARY KEY (benchmark_id, evaluator_id),
    CONSTRAINT benchmark_metrics_benchmark_fkey FOREIGN KEY (organization_id, benchmark_id)
        REFERENCES benchmarks (organization_id, id) ON DELETE CASCADE,
    CONSTRAINT benchmark_metrics_evaluator_fkey FOREIGN KEY (organization_id, evaluator_id)
        REFERENCES evaluators (organization_id, id) ON DELETE CASCADE,
    CONSTRAINT benchmark_metrics_direction_check CHECK (direction IN ('higher', 'lower')),
    CONSTRAINT benchmark_metrics_version_positive CHECK (evaluator_version >= 1)
);

CREATE INDEX benchmark_metrics_evaluator_id_idx ON benchmark_metrics (evaluator_id);

-- One row per benchmark x prompt version x model: the figures of the newest finished experiment that ran it there.
CREATE TABLE leaderboard_entries (
    organization_id   uuid          NOT NULL,
    benchmark_id      uuid          NOT NULL,
    prompt_id         uuid          NOT NULL,
    prompt_version_id uuid          NOT NULL,
    prompt_version    integer       NOT NULL,
    model_id          uuid          NOT NULL,
    experiment_id     uuid          NOT NULL,
    -- Evaluator id -> {evaluatorVersion, mean, stdDev, ciLow, ciHigh, count, passRate, errors}.
    metrics           jsonb         NOT NULL,
    items             integer       NOT NULL,
    cost_per_item_usd numeric(20, 10),
    latency_p50_ms    integer,
    latency_p95_ms    integer,
    finished_at       timestamptz   NOT NULL,
    CONSTRAINT leaderboard_entries_pkey PRIMARY KEY (benchmark_id, prompt_version_id, model_id),
    CONSTRAINT leaderboard_entries_benchmark_fkey FOREIGN KEY (organization_id, benchmark_id)
        REFERENCES benchmarks (organization_id, id) ON DELETE CASCADE,
    -- An entry goes with what it ranks: its prompt version, its model, its experiment.
    CONSTRAINT leaderboard_entries_prompt_version_fkey FOREIGN KEY (organization_id, prompt_version_id)
        REFERENCES prompt_versions (organization_id, id) ON DELETE CASCADE,
    CONSTRAINT leaderboard_entries_model_fkey FOREIGN KEY (organization_id, model_id)
        REFERENCES models (organization_id, id) ON DELETE CASCADE,
    CONSTRAINT leaderboard_entries_experiment_fkey FOREIGN KEY (organization_id, experiment_id)
        REFERENCES experiments (organization_id, id) ON DELETE CASCADE,
    CONSTRAINT leaderboard_entries_metrics_is_object CHECK (jsonb_typeof(metrics) = 'object')
);

CREATE INDEX leaderboard_entries_prompt_version_id_idx ON leaderboard_entries (prompt_version_id);
CREATE INDEX leaderboard_entries_experiment_id_idx ON leaderboard_entries (experiment_id);
CREATE INDEX leaderboard_entries_model_id_idx ON leaderboard_entries (model_id);

-- A label that can only move to a version that did well enough on a benchmark, and no worse than the version the label
-- points at (a refused move answers 409; an owner may override with a reason, kept in prompt_label_moves).
CREATE TABLE label_policies (
    organization_id uuid             NOT NULL,
    prompt_id       uuid             NOT NULL,
    label           varchar(100)     NOT NULL,
    benchmark_id    uuid             NOT NULL,
    -- The evaluator of the benchmark whose mean decides.
    evaluator_id    uuid             NOT NULL,
    -- The candidate's mean must reach this (at least, or at most for a 'lower' metric).
    threshold       double precision NOT NULL,
    -- How much worse than the current version's mean the candidate may be; 0 means no worse at all.
    max_regression  double precision NOT NULL DEFAULT 0,
    updated_by      uuid,
    updated_at      timestamptz      NOT NULL DEFAULT now(),
    CONSTRAINT label_policies_pkey PRIMARY KEY (prompt_id, label),
    CONSTRAINT label_policies_prompt_fkey FOREIGN KEY (organization_id, prompt_id)
        REFERENCES prompts (organization_id, id) ON DELETE CASCADE,
    -- The benchmark (or its metric) cannot go while a policy needs it.
    CONSTRAINT label_policies_metric_fkey FOREIGN KEY (benchmark_id, evaluator_id)
        REFERENCES benchmark_metrics (benchmark_id, evaluator_id),
    CONSTRAINT label_policies_benchmark_fkey FOREIGN KEY (organization_id, benchmark_id)
        REFERENCES benchmarks (organization_id, id),
    CONSTRAINT label_policies_updated_by_fkey FOREIGN KEY (organization_id, updated_by)
        REFERENCES users (organization_id, id) ON DELETE SET NULL (updated_by),
    CONSTRAINT label_policies_threshold_is_finite CHECK (threshold NOT IN ('NaN', 'Infinity', '-Infinity')),
    CONSTRAINT label_policies_max_regression_check
        CHECK (max_regression >= 0 AND max_regression NOT IN ('NaN', 'Infinity'))
);

CREATE INDEX label_policies_benchmark_id_idx ON label_policies (benchmark_id, evaluator_id);
