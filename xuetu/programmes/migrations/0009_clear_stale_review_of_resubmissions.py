"""A filing submitted again after a return kept the return's time, reviewer and comment as if
they were the current decision; they stay in the filing history (the audit log)."""

from django.db import migrations
from django.db.models import F


def clear_stale_reviews(apps, schema_editor):
    Cohort = apps.get_model("programmes", "Cohort")
    Cohort.objects.filter(
        status="submitted", reviewed_at__isnull=False, reviewed_at__lt=F("submitted_at")
    ).update(reviewed_at=None, reviewed_by=None, review_comment="")


class Migration(migrations.Migration):
    dependencies = [("programmes", "0008_choice_labels_in_one_language")]

    operations = [migrations.RunPython(clear_stale_reviews, migrations.RunPython.noop)]
