"""Notices go to people, not organisations: each stored notice becomes one per person who acts
for its organisation, keeping its text as the parameter of a plain message."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

ACTING_ROLES = ["city_admin", "district_reviewer", "enterprise_manager", "institution_manager"]


def fan_out(apps, schema_editor):
    Notice = apps.get_model("core", "Notice")
    Membership = apps.get_model("accounts", "Membership")
    for notice in Notice.objects.filter(recipient__isnull=True).iterator():
        users = Membership.objects.filter(
            organisation_id=notice.organisation_id, role__in=ACTING_ROLES
        ).values_list("user_id", flat=True)
        Notice.objects.bulk_create(
            Notice(
                recipient_id=user_id,
                organisation_id=notice.organisation_id,
                kind="plain",
                params={"text": notice.text},
                url=notice.url,
                read_at=notice.read_at,
                created_at=notice.created_at,
            )
            for user_id in sorted(set(users))
        )
    Notice.objects.filter(recipient__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_initial"),
        ("core", "0003_notice"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="notice",
            name="recipient",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="notices",
                to=settings.AUTH_USER_MODEL,
                verbose_name="recipient",
            ),
        ),
        migrations.AddField(
            model_name="notice",
            name="kind",
            field=models.CharField(default="plain", max_length=60, verbose_name="kind"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="notice",
            name="params",
            field=models.JSONField(blank=True, default=dict, verbose_name="parameters"),
        ),
        migrations.AlterField(
            model_name="notice",
            name="organisation",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="notices",
                to="accounts.organisation",
                verbose_name="organisation",
            ),
        ),
        migrations.RunPython(fan_out, migrations.RunPython.noop),
        migrations.RemoveField(model_name="notice", name="text"),
        migrations.AlterField(
            model_name="notice",
            name="recipient",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="notices",
                to=settings.AUTH_USER_MODEL,
                verbose_name="recipient",
            ),
        ),
        migrations.AddIndex(
            model_name="notice",
            index=models.Index(fields=["recipient", "read_at"], name="notice_unread"),
        ),
    ]
