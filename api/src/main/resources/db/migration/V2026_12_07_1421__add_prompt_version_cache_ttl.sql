-- A prompt version can opt its executions into the response cache (issue 20): how long each answer is kept, in
-- seconds; null keeps nothing unless a request asks for it.
ALTER TABLE prompt_versions ADD COLUMN cache_ttl_seconds integer;
ALTER TABLE prompt_versions ADD CONSTRAINT prompt_versions_cache_ttl_range
    CHECK (cache_ttl_seconds BETWEEN 1 AND 2592000);
