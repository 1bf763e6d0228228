-- Spend caps (issue 20): an organization's, or one API key's, per UTC day or month, in USD.
--
-- Before an execution calls its provider, its worst case (every input byte a token, every allowed output token) is
-- reserved in each window that applies; after it ends, the reservation is replaced by what it cost. A reservation
-- only succeeds while spent + reserved + the new worst case stays within the limit, in one UPDATE of the window's
-- row, so concurrent executions cannot overshoot a cap by more than what one of them may cost.

CREATE TABLE budgets (
    id              uuid          NOT NULL DEFAULT gen_random_uuid(),
    organization_id uuid          NOT NULL,
    -- Null: the whole organization's spend.
    api_key_id      uuid,
    period          varchar(8)    NOT NULL,
    limit_usd       numeric(18,6) NOT NULL,
    created_at      timestamptz   NOT NULL DEFAULT now(),
    updated_at      timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT budgets_pkey PRIMARY KEY (id),
    CONSTRAINT budgets_organization_fkey FOREIGN KEY (organization_id)
        REFERENCES organizations (id) ON DELETE CASCADE,
    -- A key's cap goes with the key.
    CONSTRAINT budgets_api_key_fkey FOREIGN KEY (api_key_id) REFERENCES api_keys (id) ON DELETE CASCADE,
    -- One cap per scope and period.
    CONSTRAINT budgets_scope_period_key UNIQUE NULLS NOT DISTINCT (organization_id, api_key_id, period),
    CONSTRAINT budgets_period_known CHECK (period IN ('day', 'month')),
    CONSTRAINT budgets_limit_positive CHECK (limit_usd > 0)
);

-- One row per budget and window (the UTC day or month it starts), written by the executions that spend in it.
CREATE TABLE budget_windows (
    budget_id    uuid          NOT NULL,
    starts_at    timestamptz   NOT NULL,
    spent_usd    numeric(18,9) NOT NULL DEFAULT 0,
    -- The worst cases of the executions running now.
    reserved_usd numeric(18,9) NOT NULL DEFAULT 0,
    CONSTRAINT budget_windows_pkey PRIMARY KEY (budget_id, starts_at),
    CONSTRAINT budget_windows_budget_fkey FOREIGN KEY (budget_id) REFERENCES budgets (id) ON DELETE CASCADE,
    CONSTRAINT budget_windows_amounts_not_negative CHECK (spent_usd >= 0 AND reserved_usd >= 0)
);
