-- Sign-ins to the web console (issue 21). The browser holds a random token in a cookie; only its SHA-256 is kept,
-- so a copy of this table opens no session. A session is bound to the API key it was opened with: every request
-- re-checks that key, its user and its organization, and removing any of them removes the session.
CREATE TABLE console_sessions (
    token_hash      bytea       NOT NULL,
    organization_id uuid        NOT NULL,
    user_id         uuid        NOT NULL,
    api_key_id      uuid        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_seen_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT console_sessions_pkey PRIMARY KEY (token_hash),
    CONSTRAINT console_sessions_user_fkey FOREIGN KEY (organization_id, user_id)
        REFERENCES users (organization_id, id) ON DELETE CASCADE,
    CONSTRAINT console_sessions_api_key_fkey FOREIGN KEY (api_key_id) REFERENCES api_keys (id) ON DELETE CASCADE
);

-- The foreign key's cascade from api_keys, and the sweep of expired sessions at sign-in.
CREATE INDEX console_sessions_api_key_id_idx ON console_sessions (api_key_id);
CREATE INDEX console_sessions_last_seen_at_idx ON console_sessions (last_seen_at);
