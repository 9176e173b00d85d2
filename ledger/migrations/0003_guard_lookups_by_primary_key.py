"""The line guard of 0002 looks its entry and account up by primary key alone and compares the
cooperative afterwards.

0002 looked them up with `WHERE id = NEW.entry_id AND cooperative_id = NEW.cooperative_id`.
PL/pgSQL caches a generic plan per session, and one made while the tables were small may use the
cooperative_id index instead of the primary key: every line insert then reads every entry of its
cooperative (seen building the 1,000,000-line benchmark: 950 million index tuples read for
60,000 lines, quadratic time). Same checks and messages, PostgreSQL only.
"""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION ledger_protect_posted_line() RETURNS trigger AS $$
DECLARE
    e_state varchar;
    owner bigint;
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
    SELECT state, cooperative_id INTO e_state, owner FROM ledger_journalentry WHERE id = NEW.entry_id;
    IF NOT FOUND OR owner <> NEW.cooperative_id THEN
        RAISE EXCEPTION 'journal line points at an entry of another cooperative'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF e_state = 'posted' THEN
        RAISE EXCEPTION 'lines cannot be added to posted journal entry %', NEW.entry_id
            USING ERRCODE = 'check_violation';
    END IF;
    SELECT cooperative_id INTO owner FROM ledger_account WHERE id = NEW.account_id;
    IF NOT FOUND OR owner <> NEW.cooperative_id THEN
        RAISE EXCEPTION 'journal line points at an account of another cooperative'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
"""

# 0002's version
BACKWARD = r"""
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
"""


def _run(schema_editor, sql):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(sql)


def forward(apps, schema_editor):
    _run(schema_editor, FORWARD)


def backward(apps, schema_editor):
    _run(schema_editor, BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_postgresql_guards")]
    operations = [migrations.RunPython(forward, backward)]
