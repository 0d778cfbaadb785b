using Microsoft.Data.Sqlite;

namespace Entrada.Core.Storage;

/// <summary>
/// The SQLite database in <c>ENTRADA_HOME</c>. Opened in WAL mode with a busy timeout so that
/// several processes (CLI commands, the server) can write at once without corrupting the file or
/// losing a write; every write runs in an immediate transaction. The schema carries a version
/// (<c>PRAGMA user_version</c>) and is moved forward by <see cref="Migrations"/> on first use.
/// </summary>
public sealed class EntradaDatabase
{
    private static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(30);
    private readonly string _connectionString;
    private int _migrated;

    public EntradaDatabase(EntradaHome home)
    {
        ArgumentNullException.ThrowIfNull(home);
        Home = home;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = home.DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = (int)BusyTimeout.TotalSeconds,
        }.ToString();
    }

    /// <summary>The connection string of the file, for Quartz.NET's job store, which opens connections of its own.</summary>
    internal string ConnectionString => _connectionString;

    /// <summary>The home folder the database lives in.</summary>
    public EntradaHome Home { get; }

    /// <summary>The schema version this build writes.</summary>
    public static int CurrentSchemaVersion => Migrations.Count;

    /// <summary>Opens a connection, creating and migrating the database on first use.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _migrated) == 0)
        {
            Home.EnsureCreated();
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            // synchronous = NORMAL: in WAL mode a commit survives the process being killed (what job
            // checkpoints need) and the file never corrupts; only a power cut can roll back the last
            // commits. FULL would add an fsync to every checkpoint.
            await ExecuteAsync(connection, $"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds}; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;", cancellationToken);
            if (Volatile.Read(ref _migrated) == 0)
            {
                await MigrateAsync(connection, cancellationToken);
                EntradaHome.RestrictFile(Home.DatabasePath);
                Volatile.Write(ref _migrated, 1);
                Diagnostics.StartupTimeline.Mark("database opened");
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Reads the schema version of the database file.</summary>
    public async Task<int> GetSchemaVersionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version;";
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task MigrateAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        // A database already at this build's version (every start but the first) needs neither the
        // journal mode nor the write lock: a read says so, and a process start does not wait for a
        // writer (the server, a bulk run) to let go of the lock only to find nothing to do.
        var current = await ReadVersionAsync(connection, null, cancellationToken);
        if (current > Migrations.Count)
        {
            throw new DatabaseTooNewException(current, Migrations.Count);
        }

        if (current == Migrations.Count)
        {
            return;
        }

        // WAL is a property of the file: set once, outside a transaction.
        await ExecuteAsync(connection, "PRAGMA journal_mode = WAL;", cancellationToken);

        // BEGIN IMMEDIATE takes the write lock, so two processes starting at once migrate in turn.
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var version = await ReadVersionAsync(connection, transaction, cancellationToken);
        if (version > Migrations.Count)
        {
            throw new DatabaseTooNewException(version, Migrations.Count);
        }

        for (var v = version; v < Migrations.Count; v++)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = Migrations[v] + $"\nPRAGMA user_version = {v + 1};";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task<int> ReadVersionAsync(SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var read = connection.CreateCommand();
        read.Transaction = transaction;
        read.CommandText = "PRAGMA user_version;";
        return Convert.ToInt32(await read.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// The schema, one step per version, only ever appended to: version N is the first N steps.
    /// </summary>
    internal static IReadOnlyList<string> Migrations { get; } =
    [
        // 1: connections and the audit log.
        """
        CREATE TABLE connections (
            name_key      TEXT PRIMARY KEY,
            name          TEXT NOT NULL,
            method        TEXT NOT NULL,
            settings      TEXT NOT NULL,
            secrets       TEXT NULL,
            created_at    TEXT NOT NULL,
            updated_at    TEXT NOT NULL,
            last_test     TEXT NULL
        );
        CREATE TABLE audit (
            id            INTEGER PRIMARY KEY AUTOINCREMENT,
            at            TEXT NOT NULL,
            interface     TEXT NOT NULL,
            actor         TEXT NULL,
            operation     TEXT NOT NULL,
            connection    TEXT NULL,
            target        TEXT NULL,
            outcome       TEXT NOT NULL,
            duration_ms   INTEGER NOT NULL,
            details       TEXT NULL,
            error         TEXT NULL
        );
        CREATE INDEX audit_at ON audit (at);
        """,

        // 2: the server's API keys (hashed) and its action runs.
        """
        CREATE TABLE api_keys (
            id            TEXT PRIMARY KEY,
            name          TEXT NULL,
            hash          TEXT NOT NULL,
            created_at    TEXT NOT NULL,
            last_used_at  TEXT NULL,
            revoked_at    TEXT NULL
        );
        CREATE TABLE runs (
            id            TEXT PRIMARY KEY,
            action        TEXT NOT NULL,
            connection    TEXT NOT NULL,
            interface     TEXT NOT NULL,
            actor         TEXT NULL,
            status        TEXT NOT NULL,
            dry_run       INTEGER NOT NULL,
            input         TEXT NULL,
            output        TEXT NULL,
            item_count    INTEGER NOT NULL DEFAULT 0,
            problem       TEXT NULL,
            audit_id      INTEGER NULL,
            created_at    TEXT NOT NULL,
            finished_at   TEXT NULL
        );
        CREATE INDEX runs_created ON runs (created_at);
        """,

        // 3: durable bulk jobs, each item's state checkpointed as the job goes.
        """
        CREATE TABLE jobs (
            id            TEXT PRIMARY KEY,
            action        TEXT NOT NULL,
            connection    TEXT NOT NULL,
            interface     TEXT NOT NULL,
            actor         TEXT NULL,
            input         TEXT NOT NULL,
            status        TEXT NOT NULL,
            total         INTEGER NOT NULL,
            owner_pid     INTEGER NULL,
            owner_host    TEXT NULL,
            cancel_requested INTEGER NOT NULL DEFAULT 0,
            error         TEXT NULL,
            created_at    TEXT NOT NULL,
            updated_at    TEXT NOT NULL
        );
        CREATE INDEX jobs_created ON jobs (created_at);
        CREATE TABLE job_items (
            job_id        TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
            idx           INTEGER NOT NULL,
            item          TEXT NOT NULL,
            state         TEXT NOT NULL,
            message       TEXT NULL,
            attempts      INTEGER NOT NULL DEFAULT 0,
            updated_at    TEXT NULL,
            PRIMARY KEY (job_id, idx)
        ) WITHOUT ROWID;
        """,

        // 4: a job keeps its items once, as a JSON array; job_items then holds only the items
        // that finished (a new job writes one row, not one per item). Jobs made before keep
        // their pending rows (items stays NULL) and read as before.
        """
        ALTER TABLE jobs ADD COLUMN items TEXT NULL;
        """,

        // 5: a server run of a bulk action names its durable job, so each can point at the other.
        """
        ALTER TABLE runs ADD COLUMN job_id TEXT NULL;
        CREATE INDEX runs_job ON runs (job_id);
        """,

        // 6: runs are made by every edge (the CLI too), so a run names the process that runs it;
        // a running run whose process is gone reads as interrupted. Older runs have no owner.
        """
        ALTER TABLE runs ADD COLUMN owner_pid INTEGER NULL;
        ALTER TABLE runs ADD COLUMN owner_host TEXT NULL;
        """,

        // 7: a running job holds a lease that its process renews; a job whose lease lapsed (its
        // process died, on this machine or another) can be claimed by the next resume.
        """
        ALTER TABLE jobs ADD COLUMN lease_expires_at TEXT NULL;
        """,

        // 8: an App Registration connection's access token, kept between processes until shortly
        // before it expires. Encrypted like the connection's secrets, with what it was issued for
        // inside the payload; removed with its connection.
        """
        CREATE TABLE app_tokens (
            connection_key TEXT PRIMARY KEY REFERENCES connections (name_key) ON DELETE CASCADE,
            token          TEXT NOT NULL,
            expires_at     TEXT NOT NULL
        ) WITHOUT ROWID;
        """,

        // 9: playbook runs: the playbook as run, its input (encrypted), each step's state and
        // checkpoints (masked) as one document, held by the process that runs it under a lease.
        """
        CREATE TABLE playbook_runs (
            id               TEXT PRIMARY KEY,
            playbook         TEXT NOT NULL,
            connection       TEXT NOT NULL,
            interface        TEXT NOT NULL,
            actor            TEXT NULL,
            dry_run          INTEGER NOT NULL,
            status           TEXT NOT NULL,
            definition       TEXT NOT NULL,
            input            TEXT NOT NULL,
            state            TEXT NOT NULL,
            error            TEXT NULL,
            owner_pid        INTEGER NULL,
            owner_host       TEXT NULL,
            lease_expires_at TEXT NULL,
            audit_id         INTEGER NULL,
            created_at       TEXT NOT NULL,
            updated_at       TEXT NOT NULL,
            finished_at      TEXT NULL
        );
        CREATE INDEX playbook_runs_created ON playbook_runs (created_at);
        """,

        // 10: runners (issue 17). One-time registration tokens per runner group, stored as SHA-256
        // hashes, expiring and single use; and each registered runner with the public key it
        // proves itself with (no shared secret is kept), what it last reported, and its revocation.
        """
        CREATE TABLE runner_tokens (
            id            TEXT PRIMARY KEY,
            group_name    TEXT NOT NULL,
            hash          TEXT NOT NULL UNIQUE,
            created_at    TEXT NOT NULL,
            expires_at    TEXT NOT NULL,
            used_at       TEXT NULL,
            used_by       TEXT NULL
        );
        CREATE TABLE runners (
            id            TEXT PRIMARY KEY,
            group_name    TEXT NOT NULL,
            name          TEXT NOT NULL,
            public_key    TEXT NOT NULL,
            registered_at TEXT NOT NULL,
            revoked_at    TEXT NULL,
            version       TEXT NULL,
            address       TEXT NULL,
            connected_at  TEXT NULL,
            last_seen_at  TEXT NULL,
            active_runs   INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX runners_group ON runners (group_name);
        """,

        // 11: webhooks that start playbooks, each with its HMAC secret encrypted.
        """
        CREATE TABLE playbook_hooks (
            id           TEXT PRIMARY KEY,
            playbook     TEXT NOT NULL,
            connection   TEXT NOT NULL,
            input        TEXT NOT NULL,
            secret       TEXT NOT NULL,
            created_at   TEXT NOT NULL,
            created_by   TEXT NULL
        );
        """,

        // 12: playbook triggers on Quartz.NET. Quartz's ADO job store keeps its jobs, triggers and
        // fire state in the QRTZ_* tables (the column layout Quartz 4.7's SQLite store reads and
        // writes, checked by its schema validation when a scheduler is built; a later Quartz that
        // adds columns needs a step of its own here); Entrada's own tables hold what a schedule or
        // a watch is, and each watch's watermark: the key of every item it has seen, with the run
        // allocated to it (pending until the run is recorded, then started).
        """
        CREATE TABLE QRTZ_JOB_DETAILS (
            SCHED_NAME NVARCHAR(120) NOT NULL,
            JOB_NAME NVARCHAR(150) NOT NULL,
            JOB_GROUP NVARCHAR(150) NOT NULL,
            DESCRIPTION NVARCHAR(250) NULL,
            JOB_CLASS_NAME NVARCHAR(250) NOT NULL,
            IS_DURABLE BIT NOT NULL,
            IS_NONCONCURRENT BIT NOT NULL,
            IS_UPDATE_DATA BIT NOT NULL,
            REQUESTS_RECOVERY BIT NOT NULL,
            JOB_DATA BLOB NULL,
            PRIMARY KEY (SCHED_NAME, JOB_NAME, JOB_GROUP)
        );
        CREATE TABLE QRTZ_TRIGGERS (
            SCHED_NAME NVARCHAR(120) NOT NULL,
            TRIGGER_NAME NVARCHAR(150) NOT NULL,
            TRIGGER_GROUP NVARCHAR(150) NOT NULL,
            JOB_NAME NVARCHAR(150) NOT NULL,
            JOB_GROUP NVARCHAR(150) NOT NULL,
            DESCRIPTION NVARCHAR(250) NULL,
            NEXT_FIRE_TIME BIGINT NULL,
            PREV_FIRE_TIME BIGINT NULL,
            PRIORITY INTEGER NULL,
            TRIGGER_STATE NVARCHAR(16) NOT NULL,
            TRIGGER_TYPE NVARCHAR(8) NOT NULL,
            START_TIME BIGINT NOT NULL,
            END_TIME BIGINT NULL,
            CALENDAR_NAME NVARCHAR(200) NULL,
            MISFIRE_INSTR INTEGER NULL,
            MISFIRE_ORIG_FIRE_TIME INTEGER NULL,
            EXECUTION_GROUP NVARCHAR(200) NULL,
            PREFERRED_NODE NVARCHAR(200) NULL,
            PREFERRED_NODE_AUTO BIT NOT NULL DEFAULT 0,
            RETRY_POLICY NVARCHAR(250) NULL,
            RETRY_ATTEMPT INTEGER NULL,
            CONTINUES_TRIGGER_NAME NVARCHAR(150) NULL,
            CONTINUES_TRIGGER_GROUP NVARCHAR(150) NULL,
            CONTINUATION_CONDITION INTEGER NULL,
            OVERLAP_POLICY INTEGER NULL,
            PAUSE_REASON NVARCHAR(250) NULL,
            PAUSED_BY NVARCHAR(200) NULL,
            PAUSED_AT BIGINT NULL,
            MISFIRE_THRESHOLD BIGINT NULL,
            FIXED_DELAY BIT NULL,
            JOB_DATA BLOB NULL,
            PRIMARY KEY (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP),
            FOREIGN KEY (SCHED_NAME, JOB_NAME, JOB_GROUP) REFERENCES QRTZ_JOB_DETAILS (SCHED_NAME, JOB_NAME, JOB_GROUP)
        );
        CREATE TABLE QRTZ_SIMPLE_TRIGGERS (
            SCHED_NAME NVARCHAR(120) NOT NULL,
            TRIGGER_NAME NVARCHAR(150) NOT NULL,
            TRIGGER_GROUP NVARCHAR(150) NOT NULL,
            REPEAT_COUNT BIGINT NOT NULL,
            REPEAT_INTERVAL BIGINT NOT NULL,
            TIMES_TRIGGERED BIGINT NOT NULL,
            PRIMARY KEY (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP),
            FOREIGN KEY (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP) REFERENCES QRTZ_TRIGGERS (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP) ON DELETE CASCADE
        );
        CREATE TABLE QRTZ_CRON_TRIGGERS (
            SCHED_NAME NVARCHAR(120) NOT NULL,
            TRIGGER_NAME NVARCHAR(150) NOT NULL,
            TRIGGER_GROUP NVARCHAR(150) NOT NULL,
            CRON_EXPRESSION NVARCHAR(250) NOT NULL,
            TIME_ZONE_ID NVARCHAR(80),
            PRIMARY KEY (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP),
            FOREIGN KEY (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP) REFERENCES QRTZ_TRIGGERS (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP) ON DELETE CASCADE
        );
        CREATE TABLE QRTZ_SIMPROP_TRIGGERS (
            SCHED_NAME NVARCHAR(120) NOT NULL,
            TRIGGER_NAME NVARCHAR(150) NOT NULL,
            TRIGGER_GROUP NVARCHAR(150) NOT NULL,
            STR_PROP_1 NVARCHAR(512) NULL,
            STR_PROP_2 NVARCHAR(512) NULL,
            STR_PROP_3 NVARCHAR(512) NULL,
            INT_PROP_1 INT NULL,
            INT_PROP_2 INT NULL,
            LONG_PROP_1 BIGINT NULL,
            LONG_PROP_2 BIGINT NULL,
            DEC_PROP_1 NUMERIC NULL,
            DEC_PROP_2 NUMERIC NULL,
            BOOL_PROP_1 BIT NULL,
            BOOL_PROP_2 BIT NULL,
            TIME_ZONE_ID NVARCHAR(80) NULL,
            PRIMARY KEY (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP),
            FOREIGN KEY (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP) REFERENCES QRTZ_TRIGGERS (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP) ON DELETE CASCADE
        );
        CREATE TABLE QRTZ_BLOB_TRIGGERS (
            SCHED_NAME NVARCHAR(120) NOT NULL,
            TRIGGER_NAME NVARCHAR(150) NOT NULL,
            TRIGGER_GROUP NVARCHAR(150) NOT NULL,
            BLOB_DATA BLOB NULL,
            PRIMARY KEY (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP),
            FOREIGN KEY (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP) REFERENCES QRTZ_TRIGGERS (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP) ON DELETE CASCADE
        );
        CREATE TABLE QRTZ_CALENDARS (
            SCHED_NAME NVARCHAR(120) NOT NULL,
            CALENDAR_NAME NVARCHAR(200) NOT NULL,
            CALENDAR BLOB NOT NULL,
            PRIMARY KEY (SCHED_NAME, CALENDAR_NAME)
        );
        CREATE TABLE QRTZ_PAUSED_TRIGGER_GRPS (
            SCHED_NAME NVARCHAR(120) NOT NULL,
            TRIGGER_GROUP NVARCHAR(150) NOT NULL,
            PAUSE_REASON NVARCHAR(250) NULL,
            PAUSED_BY NVARCHAR(200) NULL,
            PAUSED_AT BIGINT NULL,
            PRIMARY KEY (SCHED_NAME, TRIGGER_GROUP)
        );
        CREATE TABLE QRTZ_PAUSED_JOB_GRPS (
            SCHED_NAME NVARCHAR(120) NOT NULL,
            JOB_GROUP NVARCHAR(150) NOT NULL,
            PAUSE_REASON NVARCHAR(250) NULL,
            PAUSED_BY NVARCHAR(200) NULL,
            PAUSED_AT BIGINT NULL,
            PRIMARY KEY (SCHED_NAME, JOB_GROUP)
        );
        CREATE TABLE QRTZ_FIRED_TRIGGERS (
            SCHED_NAME NVARCHAR(120) NOT NULL,
            ENTRY_ID NVARCHAR(140) NOT NULL,
            TRIGGER_NAME NVARCHAR(150) NOT NULL,
            TRIGGER_GROUP NVARCHAR(150) NOT NULL,
            INSTANCE_NAME NVARCHAR(200) NOT NULL,
            FIRED_TIME BIGINT NOT NULL,
            SCHED_TIME BIGINT NOT NULL,
            PRIORITY INTEGER NOT NULL,
            STATE NVARCHAR(16) NOT NULL,
            JOB_NAME NVARCHAR(150) NULL,
            JOB_GROUP NVARCHAR(150) NULL,
            IS_NONCONCURRENT BIT NULL,
            REQUESTS_RECOVERY BIT NULL,
            EXECUTION_GROUP NVARCHAR(200) NULL,
            PROGRESS INTEGER NULL,
            PROGRESS_MESSAGE NVARCHAR(250) NULL,
            INTERRUPT_REQUESTED_TIME BIGINT NULL,
            PRIMARY KEY (SCHED_NAME, ENTRY_ID)
        );
        CREATE TABLE QRTZ_SCHEDULER_STATE (
            SCHED_NAME NVARCHAR(120) NOT NULL,
            INSTANCE_NAME NVARCHAR(200) NOT NULL,
            LAST_CHECKIN_TIME BIGINT NOT NULL,
            CHECKIN_INTERVAL BIGINT NOT NULL,
            QUARTZ_VERSION NVARCHAR(20) NULL,
            PRIMARY KEY (SCHED_NAME, INSTANCE_NAME)
        );
        CREATE TABLE QRTZ_LOCKS (
            SCHED_NAME NVARCHAR(120) NOT NULL,
            LOCK_NAME NVARCHAR(40) NOT NULL,
            PRIMARY KEY (SCHED_NAME, LOCK_NAME)
        );
        CREATE TABLE QRTZ_EXECUTION_HISTORY (
            SCHED_NAME NVARCHAR(120) NOT NULL,
            ENTRY_ID NVARCHAR(140) NOT NULL,
            INSTANCE_NAME NVARCHAR(200) NOT NULL,
            JOB_NAME NVARCHAR(150) NOT NULL,
            JOB_GROUP NVARCHAR(150) NOT NULL,
            TRIGGER_NAME NVARCHAR(150) NOT NULL,
            TRIGGER_GROUP NVARCHAR(150) NOT NULL,
            FIRED_TIME BIGINT NOT NULL,
            RUN_TIME BIGINT NOT NULL,
            SUCCEEDED BIT NOT NULL,
            ERROR_MESSAGE NVARCHAR(1000) NULL,
            RETRY_ATTEMPT INTEGER NOT NULL DEFAULT 0,
            RETRY_SCHEDULED BIT NOT NULL DEFAULT 0,
            EXECUTION_LOG TEXT NULL,
            RESULT INTEGER NULL,
            SUMMARY NVARCHAR(1000) NULL,
            METRICS TEXT NULL,
            MANUAL BIT NULL,
            FIRE_INSTANCE_ID NVARCHAR(140) NULL,
            JOB_INPUT TEXT NULL,
            JOB_INPUT_TOO_LARGE BIT NULL,
            PRIMARY KEY (SCHED_NAME, ENTRY_ID)
        );
        CREATE TABLE QRTZ_MISFIRE_HISTORY (
            SCHED_NAME NVARCHAR(120) NOT NULL,
            ENTRY_ID NVARCHAR(140) NOT NULL,
            INSTANCE_NAME NVARCHAR(200) NOT NULL,
            TRIGGER_NAME NVARCHAR(150) NOT NULL,
            TRIGGER_GROUP NVARCHAR(150) NOT NULL,
            JOB_NAME NVARCHAR(150) NULL,
            JOB_GROUP NVARCHAR(150) NULL,
            MISFIRE_TIME BIGINT NOT NULL,
            SCHED_TIME BIGINT NULL,
            REASON INTEGER NULL,
            PRIMARY KEY (SCHED_NAME, ENTRY_ID)
        );
        CREATE TABLE QRTZ_JOB_STATUS (
            SCHED_NAME NVARCHAR(120) NOT NULL,
            JOB_GROUP NVARCHAR(150) NOT NULL,
            JOB_NAME NVARCHAR(150) NOT NULL,
            FIRST_FIRED_TIME BIGINT NOT NULL,
            LAST_FIRED_TIME BIGINT NOT NULL,
            LAST_RESULT INTEGER NOT NULL,
            LAST_RUN_TIME BIGINT NOT NULL,
            LAST_INSTANCE_NAME NVARCHAR(200) NOT NULL,
            LAST_ENTRY_ID NVARCHAR(140) NULL,
            LAST_SUMMARY NVARCHAR(1000) NULL,
            LAST_SUCCESS_TIME BIGINT NULL,
            LAST_FAILURE_TIME BIGINT NULL,
            LAST_FAILURE_MESSAGE NVARCHAR(1000) NULL,
            CONSECUTIVE_FAILURES INTEGER NOT NULL DEFAULT 0,
            RUN_COUNT BIGINT NOT NULL DEFAULT 0,
            FAILURE_COUNT BIGINT NOT NULL DEFAULT 0,
            PRIMARY KEY (SCHED_NAME, JOB_GROUP, JOB_NAME)
        );
        -- Quartz's connections do not enforce foreign keys: these take a trigger's detail rows with it.
        CREATE TRIGGER QRTZ_DELETE_SIMPLE_TRIGGER DELETE ON QRTZ_TRIGGERS BEGIN
            DELETE FROM QRTZ_SIMPLE_TRIGGERS WHERE SCHED_NAME = OLD.SCHED_NAME AND TRIGGER_NAME = OLD.TRIGGER_NAME AND TRIGGER_GROUP = OLD.TRIGGER_GROUP;
        END;
        CREATE TRIGGER QRTZ_DELETE_SIMPROP_TRIGGER DELETE ON QRTZ_TRIGGERS BEGIN
            DELETE FROM QRTZ_SIMPROP_TRIGGERS WHERE SCHED_NAME = OLD.SCHED_NAME AND TRIGGER_NAME = OLD.TRIGGER_NAME AND TRIGGER_GROUP = OLD.TRIGGER_GROUP;
        END;
        CREATE TRIGGER QRTZ_DELETE_CRON_TRIGGER DELETE ON QRTZ_TRIGGERS BEGIN
            DELETE FROM QRTZ_CRON_TRIGGERS WHERE SCHED_NAME = OLD.SCHED_NAME AND TRIGGER_NAME = OLD.TRIGGER_NAME AND TRIGGER_GROUP = OLD.TRIGGER_GROUP;
        END;
        CREATE TRIGGER QRTZ_DELETE_BLOB_TRIGGER DELETE ON QRTZ_TRIGGERS BEGIN
            DELETE FROM QRTZ_BLOB_TRIGGERS WHERE SCHED_NAME = OLD.SCHED_NAME AND TRIGGER_NAME = OLD.TRIGGER_NAME AND TRIGGER_GROUP = OLD.TRIGGER_GROUP;
        END;
        CREATE INDEX IDX_QRTZ_J_G_N ON QRTZ_JOB_DETAILS (SCHED_NAME, JOB_GROUP, JOB_NAME);
        CREATE INDEX IDX_QRTZ_T_J ON QRTZ_TRIGGERS (SCHED_NAME, JOB_NAME, JOB_GROUP);
        CREATE INDEX IDX_QRTZ_T_G_N ON QRTZ_TRIGGERS (SCHED_NAME, TRIGGER_GROUP, TRIGGER_NAME);
        CREATE INDEX IDX_QRTZ_T_NFT_ST ON QRTZ_TRIGGERS (SCHED_NAME, TRIGGER_STATE, NEXT_FIRE_TIME, PRIORITY DESC, MISFIRE_INSTR);
        CREATE INDEX IDX_QRTZ_FT_T_G ON QRTZ_FIRED_TRIGGERS (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP);
        CREATE INDEX IDX_QRTZ_FT_J_G ON QRTZ_FIRED_TRIGGERS (SCHED_NAME, JOB_NAME, JOB_GROUP);
        CREATE INDEX IDX_QRTZ_EH_FIRED_TIME ON QRTZ_EXECUTION_HISTORY (SCHED_NAME, FIRED_TIME);
        CREATE INDEX IDX_QRTZ_MH_MISFIRE_TIME ON QRTZ_MISFIRE_HISTORY (SCHED_NAME, MISFIRE_TIME);
        CREATE TABLE playbook_schedules (
            id           TEXT PRIMARY KEY,
            playbook     TEXT NOT NULL,
            connection   TEXT NOT NULL,
            cron         TEXT NOT NULL,
            quartz_cron  TEXT NOT NULL,
            time_zone    TEXT NOT NULL,
            input        TEXT NOT NULL,
            created_at   TEXT NOT NULL,
            created_by   TEXT NULL
        );
        CREATE TABLE playbook_watches (
            id             TEXT PRIMARY KEY,
            playbook       TEXT NOT NULL,
            connection     TEXT NOT NULL,
            action         TEXT NOT NULL,
            action_input   TEXT NOT NULL,
            every_seconds  INTEGER NOT NULL,
            map            TEXT NOT NULL,
            key_expression TEXT NOT NULL,
            first_poll     TEXT NOT NULL,
            created_at     TEXT NOT NULL,
            created_by     TEXT NULL,
            polled_at      TEXT NULL,
            poll_error     TEXT NULL
        );
        CREATE TABLE playbook_watch_items (
            watch_id     TEXT NOT NULL REFERENCES playbook_watches (id) ON DELETE CASCADE,
            item_key     TEXT NOT NULL,
            state        TEXT NOT NULL,
            run_id       TEXT NULL,
            input        TEXT NULL,
            seen_at      TEXT NOT NULL,
            started_at   TEXT NULL,
            PRIMARY KEY (watch_id, item_key)
        ) WITHOUT ROWID;
        """,
    ];
}

/// <summary>The database was written by a newer Entrada.</summary>
public sealed class DatabaseTooNewException(int found, int supported)
    : EntradaException($"The Entrada database has schema version {found}, but this version of Entrada understands up to {supported}. Upgrade Entrada, or point ENTRADA_HOME at another folder.")
{
    /// <inheritdoc />
    public override ErrorKind Kind => ErrorKind.Configuration;
}
