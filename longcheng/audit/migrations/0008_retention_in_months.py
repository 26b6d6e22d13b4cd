from django.db import migrations

# The trigger of 0003 let a purge delete records older than 180 days; 网络安全法 Art. 21(3)
# says six months, and six calendar months can be up to 184 days. The floor is now counted in
# calendar months on the local (Asia/Shanghai) calendar, exactly as
# `audit.snapshots.retention_floor` counts it: 31 August − 6 months = 28/29 February.
PURGE_AFTER_SIX_MONTHS = """
CREATE OR REPLACE FUNCTION audit_record_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND current_setting('longcheng.audit_purge', true) = 'on'
       AND OLD.at < ((now() AT TIME ZONE 'Asia/Shanghai') - interval '6 months')
                    AT TIME ZONE 'Asia/Shanghai' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_auditrecord is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

PURGE_AFTER_180_DAYS = """
CREATE OR REPLACE FUNCTION audit_record_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND current_setting('longcheng.audit_purge', true) = 'on'
       AND OLD.at < now() - interval '180 days' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_auditrecord is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PURGE_AFTER_SIX_MONTHS, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PURGE_AFTER_180_DAYS, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0007_keyed_chain"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
