-- 0003: grain state for Microsoft.Orleans.Persistence.AdoNet (10.4.x).
--
-- How the provider identifies a grain state
-- -----------------------------------------
-- (ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString)
--   integer keys:  N0 = 0, N1 = key,            extension = key extension or NULL
--   Guid keys:     N0/N1 = the 16 Guid bytes, extension = key extension or NULL
--   string keys:   N0 = N1 = 0,                 extension = the whole string key
-- GrainIdHash and GrainTypeHash are 32-bit hashes the provider computes from
-- the same values; they exist to give the index a narrow, selective prefix.
--
-- The ETag the grain sees is Version (as a string). The provider treats a
-- write / clear / delete as failed, and throws InconsistentStateException,
-- when the statement yields no row, a NULL, or the unchanged ETag. So every
-- statement below changes data only when the version of the caller is the stored
-- version, and otherwise yields nothing / NULL.
--
-- Query keys: WriteToStorageKey, ReadFromStorageKey, ClearStorageKey are
-- required; DeleteStorageKey is read as well and is needed only when the
-- storage is configured with DeleteStateOnClear = true.
-- Parameters sent with every statement: @GrainIdHash (int), @GrainIdN0
-- (bigint), @GrainIdN1 (bigint), @GrainTypeHash (int), @GrainTypeString,
-- @GrainIdExtensionString (may be NULL), @ServiceId; plus
-- @GrainStateVersion (int, NULL = never stored) for write/clear/delete and
-- @PayloadBinary (bytea) for write.

CREATE TABLE IF NOT EXISTS OrleansStorage
(
    GrainIdHash            integer      NOT NULL,
    GrainIdN0              bigint       NOT NULL,
    GrainIdN1              bigint       NOT NULL,
    GrainTypeHash          integer      NOT NULL,
    GrainTypeString        text         NOT NULL,
    GrainIdExtensionString text         NULL,
    ServiceId              varchar(150) NOT NULL,
    -- NULL after ClearState: the row (and its version) is kept so that the
    -- next write still has to present the current ETag.
    PayloadBinary          bytea        NULL,
    -- Informational only.
    ModifiedOn             timestamptz  NOT NULL DEFAULT now(),
    Version                integer      NOT NULL
);

-- At most one row per grain state. Without this, two activations of the
-- same grain (e.g. during a partition) could both insert a first version.
-- The two strings are indexed through md5 so that long type names or
-- string keys can never exceed the btree entry size; md5 never yields an
-- empty string, so mapping a NULL extension to the empty string keeps NULL
-- and an empty extension apart.
-- Lookups use the leading plain columns of the same index.
CREATE UNIQUE INDEX IF NOT EXISTS UX_OrleansStorage_Grain
    ON OrleansStorage
    (
        GrainIdHash,
        GrainTypeHash,
        GrainIdN0,
        GrainIdN1,
        ServiceId,
        md5(GrainTypeString),
        COALESCE(md5(GrainIdExtensionString), '')
    );

-- Store a new payload and return the new version, or NULL on conflict.
--   expected version NULL  -> first write: insert version 1. If a row exists
--                             already (another activation wrote first) the
--                             unique index makes the insert a no-op -> NULL.
--   expected version n     -> update only the row whose Version is n, to
--                             n + 1. Any other stored version, or no row
--                             at all, -> NULL.
CREATE OR REPLACE FUNCTION orleans_storage_write(
    p_grain_id_hash    integer,
    p_grain_id_n0      bigint,
    p_grain_id_n1      bigint,
    p_grain_type_hash  integer,
    p_grain_type       text,
    p_grain_id_ext     text,
    p_service_id       text,
    p_expected_version integer,
    p_payload          bytea)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    v_new_version integer;
BEGIN
    IF p_expected_version IS NULL THEN
        INSERT INTO OrleansStorage
            (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString,
             GrainIdExtensionString, ServiceId, PayloadBinary, ModifiedOn, Version)
        VALUES
            (p_grain_id_hash, p_grain_id_n0, p_grain_id_n1, p_grain_type_hash, p_grain_type,
             p_grain_id_ext, p_service_id, p_payload, now(), 1)
        ON CONFLICT DO NOTHING
        RETURNING Version INTO v_new_version;
    ELSE
        UPDATE OrleansStorage
        SET PayloadBinary = p_payload,
            ModifiedOn = now(),
            Version = Version + 1
        WHERE GrainIdHash = p_grain_id_hash
          AND GrainTypeHash = p_grain_type_hash
          AND GrainIdN0 = p_grain_id_n0
          AND GrainIdN1 = p_grain_id_n1
          AND ServiceId = p_service_id
          AND GrainTypeString = p_grain_type
          AND GrainIdExtensionString IS NOT DISTINCT FROM p_grain_id_ext
          AND Version = p_expected_version
        RETURNING Version INTO v_new_version;
    END IF;

    -- Stays NULL when nothing was written.
    RETURN v_new_version;
END;
$$;

INSERT INTO OrleansQuery (QueryKey, QueryText)
VALUES
-- One row; column NewGrainStateVersion = new version, or NULL on conflict.
(
    'WriteToStorageKey',
    '
    SELECT orleans_storage_write(
        @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
        @GrainIdExtensionString, @ServiceId, @GrainStateVersion, @PayloadBinary
    ) AS NewGrainStateVersion;
    '
),
-- Zero or one row, read by column name: PayloadBinary (NULL = no state
-- stored, e.g. after a clear) and Version (the ETag).
(
    'ReadFromStorageKey',
    '
    SELECT PayloadBinary, ModifiedOn, Version
    FROM OrleansStorage
    WHERE GrainIdHash = @GrainIdHash
      AND GrainTypeHash = @GrainTypeHash
      AND GrainIdN0 = @GrainIdN0
      AND GrainIdN1 = @GrainIdN1
      AND ServiceId = @ServiceId
      AND GrainTypeString = @GrainTypeString
      AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString;
    '
),
-- ClearState (default): drop the payload, keep the row, bump the version.
-- Yields the new version in the first column, or no row on conflict.
(
    'ClearStorageKey',
    '
    UPDATE OrleansStorage
    SET PayloadBinary = NULL,
        ModifiedOn = now(),
        Version = Version + 1
    WHERE GrainIdHash = @GrainIdHash
      AND GrainTypeHash = @GrainTypeHash
      AND GrainIdN0 = @GrainIdN0
      AND GrainIdN1 = @GrainIdN1
      AND ServiceId = @ServiceId
      AND GrainTypeString = @GrainTypeString
      AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
      AND Version = @GrainStateVersion
    RETURNING Version AS NewGrainStateVersion;
    '
),
-- ClearState with DeleteStateOnClear = true: remove the row. The provider
-- only needs a value different from the old ETag (it forgets the ETag
-- afterwards), so the deleted version + 1 is returned; no row on conflict.
(
    'DeleteStorageKey',
    '
    DELETE FROM OrleansStorage
    WHERE GrainIdHash = @GrainIdHash
      AND GrainTypeHash = @GrainTypeHash
      AND GrainIdN0 = @GrainIdN0
      AND GrainIdN1 = @GrainIdN1
      AND ServiceId = @ServiceId
      AND GrainTypeString = @GrainTypeString
      AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
      AND Version = @GrainStateVersion
    RETURNING Version + 1 AS NewGrainStateVersion;
    '
)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
