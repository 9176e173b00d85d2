"""The ledger's invariants, enforced by PostgreSQL itself (DESIGN.md §6), independently of
the services: a posted entry balances (deferred constraint trigger, checked at commit);
posted entries and their lines are never updated or deleted; no posting into a closed book
year; a line never points at another cooperative's entry or account.
SQLite relies on the services alone; this migration does nothing there.
"""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION ledger_check_entry_balanced() RETURNS trigger AS $$
DECLARE
    e_id bigint;
    e_state varchar;
    d numeric;
    c numeric;
    n integer;
BEGIN
    IF TG_TABLE_NAME = 'ledger_journalentry' THEN
        e_id := NEW.id;
    ELSIF TG_OP = 'DELETE' THEN
        e_id := OLD.entry_id;
    ELSE
        e_id := NEW.entry_id;
    END IF;
    SELECT state INTO e_state FROM ledger_journalentry WHERE id = e_id;
    IF e_state IS DISTINCT FROM 'posted' THEN
        RETURN NULL;
    END IF;
    SELECT COALESCE(SUM(debit), 0), COALESCE(SUM(credit), 0), COUNT(*) INTO d, c, n
      FROM ledger_journalline WHERE entry_id = e_id;
    IF d <> c OR n < 2 THEN
        RAISE EXCEPTION 'posted journal entry % does not balance (debit %, credit %, % lines)', e_id, d, c, n
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER ledger_entry_balanced
    AFTER INSERT OR UPDATE ON ledger_journalentry
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_entry_balanced();
CREATE CONSTRAINT TRIGGER ledger_line_balanced
    AFTER INSERT OR UPDATE OR DELETE ON ledger_journalline
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_entry_balanced();

CREATE OR REPLACE FUNCTION ledger_protect_posted_entry() RETURNS trigger AS $$
BEGIN
    IF OLD.state = 'posted' THEN
        RAISE EXCEPTION 'posted journal entry % cannot be % ; post a reversing entry instead', OLD.number, lower(TG_OP)
            USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_entry_immutable
    BEFORE UPDATE OR DELETE ON ledger_journalentry
    FOR EACH ROW EXECUTE FUNCTION ledger_protect_posted_entry();

CREATE OR REPLACE FUNCTION ledger_refuse_closed_year() RETURNS trigger AS $$
BEGIN
    IF NEW.state = 'posted' AND EXISTS (
        SELECT 1 FROM ledger_bookyear
         WHERE cooperative_id = NEW.cooperative_id AND year = NEW.book_year AND state = 'closed'
    ) THEN
        RAISE EXCEPTION 'book year % is closed; nothing can be posted into it', NEW.book_year
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_entry_open_year
    BEFORE INSERT OR UPDATE ON ledger_journalentry
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_closed_year();

CREATE OR REPLACE FUNCTION ledger_protect_posted_line() RETURNS trigger AS $$
DECLARE
    e_state varchar;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT state INTO e_state FROM ledger_journalentry WHERE id = OLD.entry_id;
        IF e_state = 'posted' THEN
            RAISE EXCEPTION 'lines of posted journal entry % cannot be changed', OLD.entry_id
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    SELECT state INTO e_state FROM ledger_journalentry
     WHERE id = NEW.entry_id AND cooperative_id = NEW.cooperative_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'journal line points at an entry of another cooperative'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF e_state = 'posted' THEN
        RAISE EXCEPTION 'lines cannot be added to posted journal entry %', NEW.entry_id
            USING ERRCODE = 'check_violation';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM ledger_account WHERE id = NEW.account_id AND cooperative_id = NEW.cooperative_id) THEN
        RAISE EXCEPTION 'journal line points at an account of another cooperative'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_line_immutable
    BEFORE INSERT OR UPDATE OR DELETE ON ledger_journalline
    FOR EACH ROW EXECUTE FUNCTION ledger_protect_posted_line();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS ledger_line_immutable ON ledger_journalline;
DROP TRIGGER IF EXISTS ledger_entry_open_year ON ledger_journalentry;
DROP TRIGGER IF EXISTS ledger_entry_immutable ON ledger_journalentry;
DROP TRIGGER IF EXISTS ledger_line_balanced ON ledger_journalline;
DROP TRIGGER IF EXISTS ledger_entry_balanced ON ledger_journalentry;
DROP FUNCTION IF EXISTS ledger_protect_posted_line();
DROP FUNCTION IF EXISTS ledger_refuse_closed_year();
DROP FUNCTION IF EXISTS ledger_protect_posted_entry();
DROP FUNCTION IF EXISTS ledger_check_entry_balanced();
"""


def _run(schema_editor, sql):
    if schema_editor.connection.vendor == "postgresql":
        # a plain cursor without parameters: the SQL holds several statements and RAISE's %
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(sql)


def forward(apps, schema_editor):
    _run(schema_editor, FORWARD)


def backward(apps, schema_editor):
    _run(schema_editor, BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
