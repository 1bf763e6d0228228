-- The model registry: data, not code. A row is what an organization may call, with its defaults and prices.
-- Credentials are never stored in the clear: either an AES-GCM ciphertext (key from the environment) or the name of
-- an environment variable that holds them.

CREATE TABLE models (
    id                         uuid          NOT NULL DEFAULT gen_random_uuid(),
    organization_id            uuid          NOT NULL,
    provider                   varchar(20)   NOT NULL,
    name                       varchar(255)  NOT NULL,
    provider_model_id          varchar(255)  NOT NULL,
    base_url                   varchar(2048),
    parameters                 jsonb         NOT NULL DEFAULT '{}'::jsonb,
    credential_ciphertext      bytea,
    credential_env_var         varchar(255),
    input_price_per_million    numeric(14, 6),
    output_price_per_million   numeric(14, 6),
    enabled                    boolean       NOT NULL DEFAULT true,
    created_at                 timestamptz   NOT NULL DEFAULT now(),
    updated_at                 timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT models_pkey PRIMARY KEY (id),
    CONSTRAINT models_organization_id_fkey FOREIGN KEY (organization_id)
        REFERENCES organizations (id) ON DELETE CASCADE,
    CONSTRAINT models_organization_id_id_key UNIQUE (organization_id, id),
    -- Display names are how people pick a model; two alike in one organization would be ambiguous.
    CONSTRAINT models_organization_id_name_key UNIQUE (organization_id, name),
    -- echo is the built-in development provider: it needs no network and returns the prompt.
    CONSTRAINT models_provider_check CHECK (provider IN ('openai', 'anthropic', 'huggingface', 'custom', 'echo')),
    CONSTRAINT models_parameters_is_object CHECK (jsonb_typeof(parameters) = 'object'),
    CONSTRAINT models_one_credential_source CHECK (credential_ciphertext IS NULL OR credential_env_var IS NULL),
    CONSTRAINT models_prices_not_negative CHECK (
        coalesce(input_price_per_million, 0) >= 0 AND coalesce(output_price_per_million, 0) >= 0),
    -- A custom provider is any OpenAI-compatible server, so it is nothing without its address.
    CONSTRAINT models_custom_needs_base_url CHECK (provider <> 'custom' OR base_url IS NOT NULL)
);
