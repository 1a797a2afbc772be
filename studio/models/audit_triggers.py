"""The triggers that make the audit log append-only, per database (made by migration 0023).

An entry can never be updated; it can be deleted only when it is older than the newest
retention cut-off in `studio_auditpurge`, and a cut-off can only be added (never changed or
removed) and must lie at least MIN_RETENTION_DAYS in the past: nothing the application does can
rewrite last month. Both refusals raise an integrity error (SQLite RAISE(ABORT), PostgreSQL
SQLSTATE 23001 restrict_violation). On SQLite, a migration that rebuilds the table would drop
its triggers: such a migration must create them again (SQLITE_CREATE)."""

MIN_RETENTION_DAYS = 30

SQLITE_CREATE = [
    """CREATE TRIGGER studio_audit_no_update BEFORE UPDATE ON studio_auditentry
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: an entry cannot be changed'); END""",
    """CREATE TRIGGER studio_audit_no_delete BEFORE DELETE ON studio_auditentry
    WHEN OLD.at >= COALESCE((SELECT MAX(before) FROM studio_auditpurge), '')
    BEGIN SELECT RAISE(ABORT,
        'the audit log is append-only: only entries past the retention cut-off can go'); END""",
    f"""CREATE TRIGGER studio_audit_purge_recent BEFORE INSERT ON studio_auditpurge
    WHEN NEW.before > strftime('%Y-%m-%d %H:%M:%f', 'now', '-{MIN_RETENTION_DAYS} days')
    BEGIN SELECT RAISE(ABORT, 'a retention cut-off must lie at least
        {MIN_RETENTION_DAYS} days in the past'); END""",
    """CREATE TRIGGER studio_audit_purge_no_update BEFORE UPDATE ON studio_auditpurge
    BEGIN SELECT RAISE(ABORT, 'a retention cut-off cannot be changed'); END""",
    """CREATE TRIGGER studio_audit_purge_no_delete BEFORE DELETE ON studio_auditpurge
    BEGIN SELECT RAISE(ABORT, 'a retention cut-off cannot be removed'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS studio_audit_no_update",
    "DROP TRIGGER IF EXISTS studio_audit_no_delete",
    "DROP TRIGGER IF EXISTS studio_audit_purge_recent",
    "DROP TRIGGER IF EXISTS studio_audit_purge_no_update",
    "DROP TRIGGER IF EXISTS studio_audit_purge_no_delete",
]

POSTGRES_CREATE = [
    """CREATE FUNCTION studio_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE'
           AND OLD.at < (SELECT max(before) FROM studio_auditpurge) THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'the audit log is append-only: an entry cannot be %',
            CASE TG_OP WHEN 'DELETE' THEN 'deleted before its retention cut-off'
                       ELSE 'changed' END
            USING ERRCODE = 'restrict_violation';
    END $$""",
    """CREATE TRIGGER studio_audit_append_only BEFORE UPDATE OR DELETE ON studio_auditentry
    FOR EACH ROW EXECUTE FUNCTION studio_audit_append_only()""",
    f"""CREATE FUNCTION studio_audit_purge_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT'
           AND NEW.before <= now() - interval '{MIN_RETENTION_DAYS} days' THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'a retention cut-off can only be added, at least
            {MIN_RETENTION_DAYS} days in the past' USING ERRCODE = 'restrict_violation';
    END $$""",
    """CREATE TRIGGER studio_audit_purge_guard BEFORE INSERT OR UPDATE OR DELETE
    ON studio_auditpurge FOR EACH ROW EXECUTE FUNCTION studio_audit_purge_guard()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS studio_audit_purge_guard ON studio_auditpurge",
    "DROP FUNCTION IF EXISTS studio_audit_purge_guard()",
    "DROP TRIGGER IF EXISTS studio_audit_append_only ON studio_auditentry",
    "DROP FUNCTION IF EXISTS studio_audit_append_only()",
]


def statements(vendor: str, create: bool) -> list[str]:
    if vendor == "postgresql":
        return POSTGRES_CREATE if create else POSTGRES_DROP
    if vendor == "sqlite":
        return SQLITE_CREATE if create else SQLITE_DROP
    raise NotImplementedError(
        f"the audit log's triggers are written for SQLite and PostgreSQL, not {vendor}"
    )
