-- Which model answered an execution (its model or one of its fallbacks) and how each provider attempt went (issue 20).
-- The answering model is copied like the requested one (provider, provider model id) so the record still says what
-- ran after the model is deleted; its reference becomes NULL then. The attempt log is written once with the outcome,
-- and read only with its record: one row's JSONB array, not a table.
ALTER TABLE executions ADD COLUMN answered_model_id uuid;
ALTER TABLE executions ADD COLUMN answered_provider varchar(20);
ALTER TABLE executions ADD COLUMN answered_provider_model_id varchar(255);
ALTER TABLE executions ADD COLUMN attempt_log jsonb NOT NULL DEFAULT '[]'::jsonb;
-- NOT VALID: every existing row is null, and new rows are checked, so the migration does not scan executions.
ALTER TABLE executions ADD CONSTRAINT executions_answered_model_fkey FOREIGN KEY (organization_id, answered_model_id)
    REFERENCES models (organization_id, id) ON DELETE SET NULL (answered_model_id) NOT VALID;
ALTER TABLE executions ADD CONSTRAINT executions_attempt_log_is_array CHECK (jsonb_typeof(attempt_log) = 'array')
    NOT VALID;
-- SET NULL on delete of a model scans executions by this column.
CREATE INDEX executions_answered_model_id_idx ON executions (answered_model_id) WHERE answered_model_id IS NOT NULL;
