-- 0004: reminders for Microsoft.Orleans.Reminders.AdoNet (10.4.x).
--
-- A reminder is identified by (ServiceId, GrainId, ReminderName); GrainId is
-- the textual GrainId ("type/key"). Version is the ETag of a reminder: upserts
-- are unconditional and bump it, deletes must present it.
--
-- GrainHash is the uniform hash of the grain as a *signed* 32-bit integer. Each
-- silo owns a slice (begin, end] of the hash ring and asks for the reminders
-- in it. The provider compares begin and end as signed numbers as well and
-- picks
--   ReadRangeRows1Key  when begin < end:  begin < GrainHash <= end
--   ReadRangeRows2Key  otherwise (the slice wraps around the end of the
--                      signed range, or is the whole ring when begin = end):
--                      GrainHash > begin OR GrainHash <= end
--
-- Rows are read by column name: GrainId, ReminderName, StartTime,
-- Period (milliseconds, read as a 64-bit integer) and Version.
-- All seven keys below are required.

CREATE TABLE IF NOT EXISTS OrleansRemindersTable
(
    ServiceId    varchar(150) NOT NULL,
    GrainId      varchar(512) NOT NULL,
    ReminderName varchar(256) NOT NULL,
    StartTime    timestamptz  NOT NULL,
    Period       bigint       NOT NULL,
    GrainHash    integer      NOT NULL,
    Version      integer      NOT NULL,

    CONSTRAINT PK_OrleansRemindersTable
        PRIMARY KEY (ServiceId, GrainId, ReminderName)
);

-- Range reads by the reminder service on every silo.
CREATE INDEX IF NOT EXISTS IX_OrleansRemindersTable_GrainHash
    ON OrleansRemindersTable (ServiceId, GrainHash);

INSERT INTO OrleansQuery (QueryKey, QueryText)
VALUES
-- Create or replace a reminder; yields one row with the new Version.
-- @Period arrives as int or bigint depending on its size; both fit.
(
    'UpsertReminderRowKey',
    '
    INSERT INTO OrleansRemindersTable
        (ServiceId, GrainId, ReminderName, StartTime, Period, GrainHash, Version)
    VALUES
        (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
    ON CONFLICT (ServiceId, GrainId, ReminderName) DO UPDATE
    SET StartTime = EXCLUDED.StartTime,
        Period = EXCLUDED.Period,
        GrainHash = EXCLUDED.GrainHash,
        Version = OrleansRemindersTable.Version + 1
    RETURNING Version;
    '
),
-- All reminders of one grain.
(
    'ReadReminderRowsKey',
    '
    SELECT GrainId, ReminderName, StartTime, Period, Version
    FROM OrleansRemindersTable
    WHERE ServiceId = @ServiceId
      AND GrainId = @GrainId;
    '
),
-- One reminder, or no row.
(
    'ReadReminderRowKey',
    '
    SELECT GrainId, ReminderName, StartTime, Period, Version
    FROM OrleansRemindersTable
    WHERE ServiceId = @ServiceId
      AND GrainId = @GrainId
      AND ReminderName = @ReminderName;
    '
),
(
    'ReadRangeRows1Key',
    '
    SELECT GrainId, ReminderName, StartTime, Period, Version
    FROM OrleansRemindersTable
    WHERE ServiceId = @ServiceId
      AND GrainHash > @BeginHash
      AND GrainHash <= @EndHash;
    '
),
(
    'ReadRangeRows2Key',
    '
    SELECT GrainId, ReminderName, StartTime, Period, Version
    FROM OrleansRemindersTable
    WHERE ServiceId = @ServiceId
      AND (GrainHash > @BeginHash OR GrainHash <= @EndHash);
    '
),
-- Delete one reminder if its Version still equals the ETag of the caller.
-- Must always yield exactly one row with one column: true = deleted.
-- (A data-modifying CTE always runs to completion, even if unread.)
(
    'DeleteReminderRowKey',
    '
    WITH removed AS
    (
        DELETE FROM OrleansRemindersTable
        WHERE ServiceId = @ServiceId
          AND GrainId = @GrainId
          AND ReminderName = @ReminderName
          AND Version = @Version
        RETURNING 1
    )
    SELECT count(*) > 0 AS Deleted FROM removed;
    '
),
-- Remove every reminder of the service (used by tests / resets).
(
    'DeleteReminderRowsKey',
    '
    DELETE FROM OrleansRemindersTable
    WHERE ServiceId = @ServiceId;
    '
)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
