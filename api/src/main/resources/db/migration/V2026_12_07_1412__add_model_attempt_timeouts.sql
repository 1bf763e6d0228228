-- The timeouts of each attempt at a model (issue 20): a slow model and a fast one need different bounds. Milliseconds,
-- null for no bound but the execution's deadline; a request's own timeouts override them.
ALTER TABLE models ADD COLUMN first_token_timeout_ms integer;
ALTER TABLE models ADD COLUMN idle_timeout_ms integer;
ALTER TABLE models ADD CONSTRAINT models_attempt_timeouts_positive
    CHECK (coalesce(first_token_timeout_ms, 1) > 0 AND coalesce(idle_timeout_ms, 1) > 0);
