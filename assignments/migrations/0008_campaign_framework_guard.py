"""A campaign's framework cannot change once it has tasks, also for an UPDATE that bypasses the
service and the form (the admin shell, a script): a PostgreSQL trigger. The tasks point at the
framework's indicators; a swap would leave them pointing at another framework's tree.

Lives here, not in campaign: it is the tasks that hold the framework. SQLite (the embedded
default) has no such guard; the service and the form refuse there too."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION campaign_framework_locked() RETURNS trigger AS $$
BEGIN
    IF NEW.framework_id IS DISTINCT FROM OLD.framework_id
       AND EXISTS (SELECT 1 FROM assignments_assignment WHERE campaign_id = OLD.id) THEN
        RAISE EXCEPTION 'campaign % has tasks: its indicator framework cannot change', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS campaign_framework_locked ON campaign_campaign;
CREATE TRIGGER campaign_framework_locked BEFORE UPDATE OF framework_id ON campaign_campaign
    FOR EACH ROW EXECUTE FUNCTION campaign_framework_locked();
"""
DROP = """
DROP TRIGGER IF EXISTS campaign_framework_locked ON campaign_campaign;
DROP FUNCTION IF EXISTS campaign_framework_locked();
"""


def _run(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)  # no parameters: the % in RAISE stays as written

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("assignments", "0007_english_msgids"),
        ("campaign", "0008_english_msgids"),
    ]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
