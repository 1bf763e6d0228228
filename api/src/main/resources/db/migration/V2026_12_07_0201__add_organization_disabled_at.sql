-- An operator can disable a tenant (unpaid, compromised, leaving): its keys stop authenticating at once, and its
-- data stays until someone decides otherwise. NULL is enabled.
ALTER TABLE organizations ADD COLUMN disabled_at timestamptz;
