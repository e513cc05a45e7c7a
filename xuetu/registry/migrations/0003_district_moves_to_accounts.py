"""District now lives in accounts (accounts 0003): the registry forgets it, state only, so
the table and its rows stay where they are."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0002_person_full_name"),
        ("accounts", "0003_district"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="District")],
            database_operations=[],
        ),
    ]
