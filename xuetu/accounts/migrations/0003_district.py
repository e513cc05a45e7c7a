"""District moves from the registry to accounts: every organisation has its place, and
accounts sits below the registry. State only: the table keeps its name (registry_district)
and its rows, so existing databases change nothing but the content type's app."""

import django.db.models.deletion
from django.db import migrations, models


def move_content_type(apps, schema_editor, source="registry", target="accounts"):
    # Keeps the district's permissions attached; on a fresh database there is nothing yet.
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    if not types.filter(app_label=target, model="district").exists():
        types.filter(app_label=source, model="district").update(app_label=target)


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, source="accounts", target="registry")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="District",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("name", models.CharField(max_length=120, verbose_name="name")),
                        (
                            "name_en",
                            models.CharField(
                                blank=True, max_length=160, verbose_name="English name"
                            ),
                        ),
                        (
                            "code",
                            models.CharField(max_length=6, unique=True, verbose_name="code"),
                        ),
                    ],
                    options={
                        "verbose_name": "district",
                        "verbose_name_plural": "districts",
                        "db_table": "registry_district",
                        "ordering": ["code"],
                    },
                ),
                migrations.AlterField(
                    model_name="organisation",
                    name="district",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="organisations",
                        to="accounts.district",
                        verbose_name="district",
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back, elidable=True),
    ]
