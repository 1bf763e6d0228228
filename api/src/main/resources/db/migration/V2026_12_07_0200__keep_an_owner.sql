-- An organization never loses its last owner, whoever writes to users: the api, a command or someone with psql.
-- A check of the other owners alone would race (two owners demoting each other at once each see the other still
-- owner), so every change that takes an owner away first locks the organization's row: such changes in one
-- organization run one after the other, and each counts the owners the one before it left. FOR NO KEY UPDATE does
-- not block the key-share locks that inserts into the organization's other tables take.
CREATE FUNCTION users_keep_an_owner() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    PERFORM 1 FROM organizations WHERE id = OLD.organization_id FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        -- The organization itself is being deleted (its users go with it by cascade).
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    -- A fresh snapshot (this function is volatile): it sees what a transaction that held the lock before committed.
    IF NOT EXISTS (SELECT 1
                     FROM users
                    WHERE organization_id = OLD.organization_id
                      AND role = 'owner'
                      AND id <> OLD.id) THEN
        RAISE EXCEPTION 'organization % would be left without an owner', OLD.organization_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'organizations_keep_an_owner';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;

CREATE TRIGGER users_keep_an_owner_on_update
    BEFORE UPDATE ON users
    FOR EACH ROW
    WHEN (OLD.role = 'owner' AND (NEW.role <> 'owner' OR NEW.organization_id <> OLD.organization_id))
    EXECUTE FUNCTION users_keep_an_owner();

CREATE TRIGGER users_keep_an_owner_on_delete
    BEFORE DELETE ON users
    FOR EACH ROW
    WHEN (OLD.role = 'owner')
    EXECUTE FUNCTION users_keep_an_owner();
