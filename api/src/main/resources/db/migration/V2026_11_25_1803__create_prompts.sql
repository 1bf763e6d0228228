-- Prompts are versioned like code. A prompt is a named, organization-owned entity; every edit is a new immutable
-- row in prompt_versions, numbered 1, 2, 3, ... per prompt; labels (production, staging, ...) point at versions,
-- and moving a label is how a team promotes or rolls back.

CREATE TABLE prompts (
    id              uuid         NOT NULL DEFAULT gen_random_uuid(),
    organization_id uuid         NOT NULL,
    name            varchar(255) NOT NULL,
    description     text         NOT NULL DEFAULT '',
    tags            text[]       NOT NULL DEFAULT '{}',
    created_by      uuid,
    created_at      timestamptz  NOT NULL DEFAULT now(),
    updated_at      timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT prompts_pkey PRIMARY KEY (id),
    CONSTRAINT prompts_organization_id_fkey FOREIGN KEY (organization_id)
        REFERENCES organizations (id) ON DELETE CASCADE,
    CONSTRAINT prompts_organization_id_id_key UNIQUE (organization_id, id),
    -- Also the index for listing an organization's prompts by name and for fetching one by name.
    CONSTRAINT prompts_organization_id_name_key UNIQUE (organization_id, name),
    -- Removing a user keeps their prompts; the authorship is forgotten, not the work. (Every reference between
    -- tenant tables includes organization_id, so the database itself keeps tenants apart.)
    CONSTRAINT prompts_created_by_fkey FOREIGN KEY (organization_id, created_by)
        REFERENCES users (organization_id, id) ON DELETE SET NULL (created_by),
    CONSTRAINT prompts_name_not_blank CHECK (btrim(name) <> '')
);

-- Filtering prompts by tag (tags @> ARRAY['support']).
CREATE INDEX prompts_tags_idx ON prompts USING gin (tags);

CREATE TABLE prompt_versions (
    id                uuid         NOT NULL DEFAULT gen_random_uuid(),
    organization_id   uuid         NOT NULL,
    prompt_id         uuid         NOT NULL,
    version           integer      NOT NULL,
    template_format   varchar(10)  NOT NULL,
    template          jsonb        NOT NULL,
    variables         text[]       NOT NULL DEFAULT '{}',
    model_id          uuid,
    parameters        jsonb        NOT NULL DEFAULT '{}'::jsonb,
    commit_message    text         NOT NULL DEFAULT '',
    created_by        uuid,
    created_at        timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT prompt_versions_pkey PRIMARY KEY (id),
    -- Versions belong to their prompt's organization; deleting a prompt deletes its history.
    CONSTRAINT prompt_versions_prompt_fkey FOREIGN KEY (organization_id, prompt_id)
        REFERENCES prompts (organization_id, id) ON DELETE CASCADE,
    -- Also the index for fetching a prompt at a version and for finding its latest.
    CONSTRAINT prompt_versions_prompt_id_version_key UNIQUE (prompt_id, version),
    -- Lets labels reference (prompt_id, id), so a label can only point at a version of its own prompt.
    CONSTRAINT prompt_versions_prompt_id_id_key UNIQUE (prompt_id, id),
    -- Lets executions and evaluations reference (organization_id, id).
    CONSTRAINT prompt_versions_organization_id_id_key UNIQUE (organization_id, id),
    -- A model used by a version cannot be deleted from under it (disable it instead). Checked at commit, not at
    -- once: deleting a whole organization removes its models and its versions in one statement, in an order
    -- PostgreSQL chooses, and must not trip over this check midway.
    CONSTRAINT prompt_versions_model_fkey FOREIGN KEY (organization_id, model_id)
        REFERENCES models (organization_id, id) DEFERRABLE INITIALLY DEFERRED,
    CONSTRAINT prompt_versions_created_by_fkey FOREIGN KEY (organization_id, created_by)
        REFERENCES users (organization_id, id) ON DELETE SET NULL (created_by),
    CONSTRAINT prompt_versions_version_positive CHECK (version >= 1),
    -- text: template is a JSON string; chat: a JSON array of {"role", "content"} messages.
    CONSTRAINT prompt_versions_template_format_check CHECK (
        (template_format = 'text' AND jsonb_typeof(template) = 'string')
        OR (template_format = 'chat' AND jsonb_typeof(template) = 'array')),
    CONSTRAINT prompt_versions_parameters_is_object CHECK (jsonb_typeof(parameters) = 'object')
);

-- Deleting or disabling a model checks the versions that use it.
CREATE INDEX prompt_versions_model_id_idx ON prompt_versions (model_id) WHERE model_id IS NOT NULL;

CREATE TABLE prompt_labels (
    organization_id   uuid         NOT NULL,
    prompt_id         uuid         NOT NULL,
    name              varchar(100) NOT NULL,
    prompt_version_id uuid         NOT NULL,
    updated_by        uuid,
    updated_at        timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT prompt_labels_pkey PRIMARY KEY (prompt_id, name),
    CONSTRAINT prompt_labels_prompt_fkey FOREIGN KEY (organization_id, prompt_id)
        REFERENCES prompts (organization_id, id) ON DELETE CASCADE,
    CONSTRAINT prompt_labels_version_fkey FOREIGN KEY (prompt_id, prompt_version_id)
        REFERENCES prompt_versions (prompt_id, id) ON DELETE CASCADE,
    CONSTRAINT prompt_labels_updated_by_fkey FOREIGN KEY (organization_id, updated_by)
        REFERENCES users (organization_id, id) ON DELETE SET NULL (updated_by),
    CONSTRAINT prompt_labels_name_format CHECK (name ~ '^[a-z0-9][a-z0-9_.-]*$')
);

-- Label moves are cascaded from version deletes; the foreign key scan needs this.
CREATE INDEX prompt_labels_prompt_version_id_idx ON prompt_labels (prompt_version_id);
