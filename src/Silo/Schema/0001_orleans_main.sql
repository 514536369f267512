-- 0001: registry of the SQL statements Orleans runs.
--
-- The Orleans ADO.NET providers (clustering, grain persistence, reminders)
-- contain no SQL of their own for PostgreSQL. When a provider starts it runs
--     SELECT QueryKey, QueryText FROM OrleansQuery
-- and afterwards executes QueryText by key, binding its parameters by name
-- (@DeploymentId, @GrainIdHash, ...; Npgsql rewrites those to $n itself).
-- A provider refuses to start if one of the keys it requires is missing, so
-- this table must exist before the provider scripts (0002..0004) fill it.
--
-- Identifiers are deliberately left unquoted (folded to lower case):
-- Orleans writes them unquoted in its own bootstrap SELECT, and Npgsql
-- resolves result column names case-insensitively when the provider reads
-- a column such as "QueryText" or "Version" by name.
--
-- Note for DbUp: DbUp replaces $name$ tokens with script variables, so
-- function bodies in these scripts use the untagged $$ quote only.

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64) NOT NULL,
    QueryText text        NOT NULL,

    CONSTRAINT PK_OrleansQuery PRIMARY KEY (QueryKey)
);
