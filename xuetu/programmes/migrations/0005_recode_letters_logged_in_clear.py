"""The audit log kept each letter's verification code until core.audit learnt to leave
declared secrets out. The log is append-only, so the letters change instead: each letter
whose code the log holds gets a new one (its old code stops working)."""

from django.db import migrations


def recode(apps, schema_editor):
    from xuetu.programmes.services.mentors import recode_logged_letters

    recode_logged_letters(
        apps.get_model("programmes", "Appointment"), apps.get_model("core", "AuditEvent")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0004_retirement_schedule_and_ratio"),
        ("core", "0006_free_text_refuses_control_characters"),
    ]

    operations = [migrations.RunPython(recode, migrations.RunPython.noop)]
