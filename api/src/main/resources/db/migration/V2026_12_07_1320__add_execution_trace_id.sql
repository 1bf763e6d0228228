-- The OpenTelemetry trace an execution ran in (32 lowercase hex digits), so a record leads to its spans; null when
-- tracing is off. The check is added NOT VALID: every existing row is null, and new rows are checked, so the migration
-- does not scan executions.
ALTER TABLE executions ADD COLUMN trace_id varchar(32);
ALTER TABLE executions ADD CONSTRAINT executions_trace_id_format CHECK (trace_id ~ '^[0-9a-f]{32}$') NOT VALID;
