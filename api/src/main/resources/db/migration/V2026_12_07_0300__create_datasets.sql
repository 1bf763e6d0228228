-- Datasets for evaluations (issue 19). A dataset is a named, organization-owned list of items (the variables to run
-- a prompt with, optionally the output expected, and free metadata). Every change makes a new immutable, numbered
-- version, so that an experiment can pin exactly what it ran on.
--
-- Items are stored once, by validity range, not copied into every version: an item belongs to version v when
-- added_in_version <= v and (removed_in_version IS NULL OR removed_in_version > v). A change of n items writes n rows
-- (and marks removed ones), however large the dataset. Editing an item is removing it and adding the new content.

CREATE TABLE datasets (
    id              uuid         NOT NULL DEFAULT gen_random_uuid(),
    organization_id uuid         NOT NULL,
    name            varchar(255) NOT NULL,
    description     text         NOT NULL DEFAULT '',
    latest_version  integer      NOT NULL DEFAULT 1,
    created_by      uuid,
    created_at      timestamptz  NOT NULL DEFAULT now(),
    updated_at      timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT datasets_pkey PRIMARY KEY (id),
    CONSTRAINT datasets_organization_id_fkey FOREIGN KEY (organization_id)
        REFERENCES organizations (id) ON DELETE CASCADE,
    -- Lets versions and items reference (organization_id, id), so they cannot belong to another tenant's dataset.
    CONSTRAINT datasets_organization_id_id_key UNIQUE (organization_id, id),
    -- Also the index for listing an organization's datasets by name prefix.
    CONSTRAINT datasets_organization_id_name_key UNIQUE (organization_id, name),
    -- Removing a user keeps the datasets they made; only the authorship is forgotten.
    CONSTRAINT datasets_created_by_fkey FOREIGN KEY (organization_id, created_by)
        REFERENCES users (organization_id, id) ON DELETE SET NULL (created_by),
    CONSTRAINT datasets_name_not_blank CHECK (btrim(name) <> ''),
    CONSTRAINT datasets_latest_version_positive CHECK (latest_version >= 1)
);

-- Listing an organization's datasets in creation order (the keyset of their pages).
CREATE INDEX datasets_organization_id_created_at_idx ON datasets (organization_id, created_at, id);

CREATE TABLE dataset_versions (
    id              uuid        NOT NULL DEFAULT gen_random_uuid(),
    organization_id uuid        NOT NULL,
    dataset_id      uuid        NOT NULL,
    version         integer     NOT NULL,
    item_count      integer     NOT NULL,
    change_note     text        NOT NULL DEFAULT '',
    created_by      uuid,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT dataset_versions_pkey PRIMARY KEY (id),
    -- Versions belong to their dataset's organization; deleting a dataset deletes its history.
    CONSTRAINT dataset_versions_dataset_fkey FOREIGN KEY (organization_id, dataset_id)
        REFERENCES datasets (organization_id, id) ON DELETE CASCADE,
    -- Also the index for fetching a dataset at a version and for paging its versions newest first.
    CONSTRAINT dataset_versions_dataset_id_version_key UNIQUE (dataset_id, version),
    -- Lets experiments pin a version by (organization_id, id).
    CONSTRAINT dataset_versions_organization_id_id_key UNIQUE (organization_id, id),
    CONSTRAINT dataset_versions_created_by_fkey FOREIGN KEY (organization_id, created_by)
        REFERENCES users (organization_id, id) ON DELETE SET NULL (created_by),
    CONSTRAINT dataset_versions_version_positive CHECK (version >= 1),
    CONSTRAINT dataset_versions_item_count_not_negative CHECK (item_count >= 0)
);

CREATE TABLE dataset_items (
    id                  uuid        NOT NULL DEFAULT gen_random_uuid(),
    -- The stable order of a dataset's items (the order they were added in) and the keyset of their pages.
    ordinal             bigint      GENERATED ALWAYS AS IDENTITY,
    organization_id     uuid        NOT NULL,
    dataset_id          uuid        NOT NULL,
    input               jsonb       NOT NULL,
    expected_output     text,
    metadata            jsonb       NOT NULL DEFAULT '{}'::jsonb,
    source_execution_id uuid,
    added_in_version    integer     NOT NULL,
    removed_in_version  integer,
    created_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT dataset_items_pkey PRIMARY KEY (id),
    CONSTRAINT dataset_items_dataset_fkey FOREIGN KEY (organization_id, dataset_id)
        REFERENCES datasets (organization_id, id) ON DELETE CASCADE,
    -- The versions that bound an item's range exist: an item cannot be added in, or removed in, a version that was
    -- never made.
    CONSTRAINT dataset_items_added_in_version_fkey FOREIGN KEY (dataset_id, added_in_version)
        REFERENCES dataset_versions (dataset_id, version) ON DELETE CASCADE,
    CONSTRAINT dataset_items_removed_in_version_fkey FOREIGN KEY (dataset_id, removed_in_version)
        REFERENCES dataset_versions (dataset_id, version) ON DELETE CASCADE,
    -- An item made from an execution says which; the item stays when the execution record is deleted.
    CONSTRAINT dataset_items_source_execution_fkey FOREIGN KEY (organization_id, source_execution_id)
        REFERENCES executions (organization_id, id) ON DELETE SET NULL (source_execution_id),
    CONSTRAINT dataset_items_range_not_empty CHECK (removed_in_version IS NULL OR removed_in_version > added_in_version),
    CONSTRAINT dataset_items_added_in_version_positive CHECK (added_in_version >= 1),
    CONSTRAINT dataset_items_input_is_object CHECK (jsonb_typeof(input) = 'object'),
    CONSTRAINT dataset_items_metadata_is_object CHECK (jsonb_typeof(metadata) = 'object')
);

-- Reading one version's items in their stable order: an ordered scan of the dataset's items that skips those out
-- of range without visiting the table. Also covers the cascade from datasets.
CREATE INDEX dataset_items_dataset_id_ordinal_idx ON dataset_items (dataset_id, ordinal)
    INCLUDE (added_in_version, removed_in_version);
-- Deleting an execution record clears the reference in the items made from it.
CREATE INDEX dataset_items_source_execution_id_idx ON dataset_items (source_execution_id)
    WHERE source_execution_id IS NOT NULL;
