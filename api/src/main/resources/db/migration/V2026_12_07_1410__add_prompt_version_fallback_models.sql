-- The registered models a version's executions fall back to, in the order they are tried, when its model fails in a
-- retryable way (issue 20). An array rather than a join table: the list is small (at most 5), ordered, written once
-- with its immutable version and always read whole with it. The ids are checked against the organization's models when
-- the version is written; a model deleted later is skipped when an execution plans its fallbacks.
ALTER TABLE prompt_versions ADD COLUMN fallback_model_ids uuid[] NOT NULL DEFAULT '{}';
ALTER TABLE prompt_versions ADD CONSTRAINT prompt_versions_fallback_model_ids_size
    CHECK (cardinality(fallback_model_ids) <= 5);
