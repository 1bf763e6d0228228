-- What the execute path records beyond the first schema: which API process runs an execution (so a restarted
-- process can close the executions it left running), how many provider attempts it took, why generation stopped,
-- and the request id that ties the row to the logs.

ALTER TABLE executions
    ADD COLUMN runner        varchar(255),
    ADD COLUMN attempts      integer,
    ADD COLUMN finish_reason varchar(20),
    ADD COLUMN request_id    varchar(100),
    ADD CONSTRAINT executions_attempts_positive CHECK (attempts IS NULL OR attempts >= 1);

-- On start-up a process closes what it left unfinished; a partial index keeps this tiny, since almost every row is
-- finished.
CREATE INDEX executions_unfinished_runner_idx ON executions (runner) WHERE status IN ('pending', 'running');
