-- API keys authenticate callers. The key itself is shown once at creation and never stored: the table keeps a short
-- public prefix to find the row, and a SHA-256 hash of the secret to check it.

CREATE TABLE api_keys (
    id              uuid         NOT NULL DEFAULT gen_random_uuid(),
    organization_id uuid         NOT NULL,
    user_id         uuid         NOT NULL,
    name            varchar(255) NOT NULL,
    prefix          varchar(32)  NOT NULL,
    secret_hash     bytea        NOT NULL,
    created_at      timestamptz  NOT NULL DEFAULT now(),
    expires_at      timestamptz,
    last_used_at    timestamptz,
    revoked_at      timestamptz,
    CONSTRAINT api_keys_pkey PRIMARY KEY (id),
    -- A user's keys go with the user, and the user must belong to the key's organization.
    CONSTRAINT api_keys_user_fkey FOREIGN KEY (organization_id, user_id)
        REFERENCES users (organization_id, id) ON DELETE CASCADE,
    CONSTRAINT api_keys_prefix_key UNIQUE (prefix),
    CONSTRAINT api_keys_secret_hash_length CHECK (octet_length(secret_hash) = 32),
    CONSTRAINT api_keys_expiry_after_creation CHECK (expires_at IS NULL OR expires_at > created_at)
);

-- Listing an organization's keys, newest first.
CREATE INDEX api_keys_organization_id_created_at_idx ON api_keys (organization_id, created_at DESC);
-- Listing and revoking one user's keys (the composite foreign key above needs no index of its own for lookups,
-- but deleting a user scans by it).
CREATE INDEX api_keys_organization_id_user_id_idx ON api_keys (organization_id, user_id);
