-- 0002: cluster membership for Microsoft.Orleans.Clustering.AdoNet (10.4.x).
--
-- How the provider uses these objects
-- -----------------------------------
-- * One row per cluster (DeploymentId = ClusterId) in the version table. Its
--   Version is the optimistic-concurrency token of the whole membership
--   table: every structural change (a silo joins, changes status, gains a
--   suspicion vote) must present the version it last read and bumps it by
--   one. A stale version means "someone else changed the table first"; the
--   provider then re-reads and retries, so such a write must simply report 0
--   and change nothing.
-- * One row per silo incarnation (Address, Port, Generation) in the
--   membership table.
-- * Liveness heartbeats (UpdateIAmAlivetimeKey) and clean-up deletes do not
--   touch the version.
--
-- Required keys (the provider will not start without them):
--   InsertMembershipVersionKey, InsertMembershipKey, UpdateMembershipKey,
--   UpdateIAmAlivetimeKey, MembershipReadRowKey, MembershipReadAllKey,
--   GatewaysQueryKey, DeleteMembershipTableEntriesKey,
--   CleanupDefunctSiloEntriesKey
-- Optional key, preferred by 10.4.x when present:
--   CleanupDefunctSiloEntryKey
--
-- SiloStatus values used below: 3 = Active, 6 = Dead.
-- Times are timestamptz: the provider sends UTC DateTime values.

CREATE TABLE IF NOT EXISTS OrleansMembershipVersionTable
(
    DeploymentId varchar(150) NOT NULL,
    Timestamp    timestamptz  NOT NULL DEFAULT now(),
    Version      integer      NOT NULL DEFAULT 0,

    CONSTRAINT PK_OrleansMembershipVersionTable PRIMARY KEY (DeploymentId)
);

-- SiloName, HostName and ProxyPort are NOT NULL on purpose: the provider
-- reads them back with non-nullable accessors, so a NULL there would break
-- every membership read of the cluster rather than just one row.
-- SuspectTimes is "silo,time|silo,time|..." and grows with cluster size,
-- hence text.
CREATE TABLE IF NOT EXISTS OrleansMembershipTable
(
    DeploymentId varchar(150) NOT NULL,
    Address      varchar(45)  NOT NULL,
    Port         integer      NOT NULL,
    Generation   integer      NOT NULL,
    SiloName     varchar(256) NOT NULL,
    HostName     varchar(256) NOT NULL,
    Status       integer      NOT NULL,
    ProxyPort    integer      NOT NULL DEFAULT 0,
    SuspectTimes text         NULL,
    StartTime    timestamptz  NOT NULL,
    IAmAliveTime timestamptz  NOT NULL,

    CONSTRAINT PK_OrleansMembershipTable
        PRIMARY KEY (DeploymentId, Address, Port, Generation),
    -- Cascade so that dropping the version row of a cluster removes the cluster.
    CONSTRAINT FK_OrleansMembershipTable_Version
        FOREIGN KEY (DeploymentId)
        REFERENCES OrleansMembershipVersionTable (DeploymentId)
        ON DELETE CASCADE
);

-- Insert a silo row, but only if the table version of the caller is current.
-- Returns 1 on success, 0 if the version is stale or the silo row exists.
--
-- The version row is locked first (FOR UPDATE). That serialises all
-- versioned writers of one cluster, and under READ COMMITTED a writer that
-- waited for the lock re-checks "Version = expected" against the committed
-- row, so two writers holding the same version can never both succeed.
-- Nothing is written before both checks pass, so a 0 leaves no trace.
-- The Version < int max guard turns a (theoretical) overflow into a plain
-- "stale" answer instead of a SQL error.
CREATE OR REPLACE FUNCTION orleans_membership_insert(
    p_deployment_id  text,
    p_address        text,
    p_port           integer,
    p_generation     integer,
    p_silo_name      text,
    p_host_name      text,
    p_status         integer,
    p_proxy_port     integer,
    p_start_time     timestamptz,
    p_i_am_alive     timestamptz,
    p_expected_version integer)
RETURNS integer
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM 1
    FROM OrleansMembershipVersionTable
    WHERE DeploymentId = p_deployment_id
      AND Version = p_expected_version
      AND Version < 2147483647
    FOR UPDATE;

    IF NOT FOUND THEN
        RETURN 0;
    END IF;

    INSERT INTO OrleansMembershipTable
        (DeploymentId, Address, Port, Generation, SiloName, HostName,
         Status, ProxyPort, StartTime, IAmAliveTime)
    VALUES
        (p_deployment_id, p_address, p_port, p_generation, p_silo_name, p_host_name,
         p_status, p_proxy_port, p_start_time, p_i_am_alive)
    ON CONFLICT (DeploymentId, Address, Port, Generation) DO NOTHING;

    IF NOT FOUND THEN
        RETURN 0;
    END IF;

    UPDATE OrleansMembershipVersionTable
    SET Version = Version + 1,
        Timestamp = now()
    WHERE DeploymentId = p_deployment_id;

    RETURN 1;
END;
$$;

-- Update status / suspicion votes of an existing silo row, again only if
-- the table version of the caller is current. Same locking scheme and return
-- values as orleans_membership_insert; 0 also when the row does not exist.
-- IAmAliveTime only moves forward: the copy of the caller may be older than a
-- heartbeat written in between.
CREATE OR REPLACE FUNCTION orleans_membership_update(
    p_deployment_id  text,
    p_address        text,
    p_port           integer,
    p_generation     integer,
    p_status         integer,
    p_suspect_times  text,
    p_i_am_alive     timestamptz,
    p_expected_version integer)
RETURNS integer
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM 1
    FROM OrleansMembershipVersionTable
    WHERE DeploymentId = p_deployment_id
      AND Version = p_expected_version
      AND Version < 2147483647
    FOR UPDATE;

    IF NOT FOUND THEN
        RETURN 0;
    END IF;

    UPDATE OrleansMembershipTable
    SET Status = p_status,
        SuspectTimes = p_suspect_times,
        IAmAliveTime = GREATEST(IAmAliveTime, p_i_am_alive)
    WHERE DeploymentId = p_deployment_id
      AND Address = p_address
      AND Port = p_port
      AND Generation = p_generation;

    IF NOT FOUND THEN
        RETURN 0;
    END IF;

    UPDATE OrleansMembershipVersionTable
    SET Version = Version + 1,
        Timestamp = now()
    WHERE DeploymentId = p_deployment_id;

    RETURN 1;
END;
$$;

INSERT INTO OrleansQuery (QueryKey, QueryText)
VALUES
-- Called at silo start: make sure the cluster has a version row.
-- Must always yield exactly one row with one column: 1 = created, 0 = existed.
(
    'InsertMembershipVersionKey',
    '
    WITH created AS
    (
        INSERT INTO OrleansMembershipVersionTable (DeploymentId)
        VALUES (@DeploymentId)
        ON CONFLICT (DeploymentId) DO NOTHING
        RETURNING 1
    )
    SELECT count(*)::integer AS Created FROM created;
    '
),
-- One row, one column: 1 = inserted, 0 = stale version or duplicate silo.
(
    'InsertMembershipKey',
    '
    SELECT orleans_membership_insert(
        @DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName,
        @Status, @ProxyPort, @StartTime, @IAmAliveTime, @Version) AS Succeeded;
    '
),
-- One row, one column: 1 = updated, 0 = stale version or unknown silo.
(
    'UpdateMembershipKey',
    '
    SELECT orleans_membership_update(
        @DeploymentId, @Address, @Port, @Generation,
        @Status, @SuspectTimes, @IAmAliveTime, @Version) AS Succeeded;
    '
),
-- Heartbeat. Not versioned and its result is ignored by the provider.
(
    'UpdateIAmAlivetimeKey',
    '
    UPDATE OrleansMembershipTable
    SET IAmAliveTime = GREATEST(IAmAliveTime, @IAmAliveTime)
    WHERE DeploymentId = @DeploymentId
      AND Address = @Address
      AND Port = @Port
      AND Generation = @Generation;
    '
),
-- Reads are driven from the version row with a LEFT JOIN so that the
-- table version comes back even when no silo row matches (the provider
-- takes the version from the first row and treats a NULL StartTime as
-- "no entry"). Columns are read by name.
(
    'MembershipReadRowKey',
    '
    SELECT
        v.DeploymentId,
        m.Address,
        m.Port,
        m.Generation,
        m.SiloName,
        m.HostName,
        m.Status,
        m.ProxyPort,
        m.SuspectTimes,
        m.StartTime,
        m.IAmAliveTime,
        v.Version
    FROM OrleansMembershipVersionTable AS v
    LEFT JOIN OrleansMembershipTable AS m
           ON m.DeploymentId = v.DeploymentId
          AND m.Address = @Address
          AND m.Port = @Port
          AND m.Generation = @Generation
    WHERE v.DeploymentId = @DeploymentId;
    '
),
(
    'MembershipReadAllKey',
    '
    SELECT
        v.DeploymentId,
        m.Address,
        m.Port,
        m.Generation,
        m.SiloName,
        m.HostName,
        m.Status,
        m.ProxyPort,
        m.SuspectTimes,
        m.StartTime,
        m.IAmAliveTime,
        v.Version
    FROM OrleansMembershipVersionTable AS v
    LEFT JOIN OrleansMembershipTable AS m
           ON m.DeploymentId = v.DeploymentId
    WHERE v.DeploymentId = @DeploymentId;
    '
),
-- Used by clients: silos in @Status (Active) that expose a gateway port.
(
    'GatewaysQueryKey',
    '
    SELECT Address, ProxyPort, Generation
    FROM OrleansMembershipTable
    WHERE DeploymentId = @DeploymentId
      AND Status = @Status
      AND ProxyPort > 0;
    '
),
-- Remove the whole cluster; the FK cascade removes its silo rows in the
-- same statement.
(
    'DeleteMembershipTableEntriesKey',
    '
    DELETE FROM OrleansMembershipVersionTable
    WHERE DeploymentId = @DeploymentId;
    '
),
-- Preferred clean-up path of 10.4.x: the provider reads the table, picks
-- Dead rows older than the cut-off itself, and deletes each one passing
-- the values it saw. The delete only happens if the row is still exactly
-- that (still Dead, same times, same votes), so a row changed meanwhile
-- is left alone.
(
    'CleanupDefunctSiloEntryKey',
    '
    DELETE FROM OrleansMembershipTable
    WHERE DeploymentId = @DeploymentId
      AND Address = @Address
      AND Port = @Port
      AND Generation = @Generation
      AND Status = 6
      AND StartTime = @StartTime
      AND IAmAliveTime = @IAmAliveTime
      AND COALESCE(SuspectTimes, '''') = COALESCE(@SuspectTimes, '''');
    '
),
-- Fallback clean-up, only used by the provider if the key above is absent.
-- SQL cannot judge the timestamps inside SuspectTimes, so it stays on the
-- safe side: only Dead rows, started and last alive before the cut-off,
-- and carrying no suspicion votes.
(
    'CleanupDefunctSiloEntriesKey',
    '
    DELETE FROM OrleansMembershipTable
    WHERE DeploymentId = @DeploymentId
      AND Status = 6
      AND IAmAliveTime < @IAmAliveTime
      AND StartTime < @IAmAliveTime
      AND COALESCE(SuspectTimes, '''') = '''';
    '
)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
