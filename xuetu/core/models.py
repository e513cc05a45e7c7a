from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xuetu.core.access import (
    ANYONE,
    CHANGE,
    VIEW,
    ReferenceQuerySet,
    ScopedQuerySet,
    allow,
    declare,
    of_user,
)
from xuetu.core.validators import validate_entered_date, validate_line, validate_text


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an append-only row."""


class AuditQuerySet(ScopedQuerySet):
    """Only the city bureau reads the whole log (its table gives nobody else a row); pages
    show an object's own history through services."""

    def update(self, **kwargs):
        raise AppendOnlyError("audit events cannot be changed")

    def delete(self):
        raise AppendOnlyError("audit events cannot be deleted")


class AuditEvent(models.Model):
    """Who did what to which object, when, from where, with before and after values."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=60)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=40)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise AppendOnlyError("audit events cannot be changed")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        """The log filtered to this event's object."""
        query = urlencode({"object_type": self.object_type, "object_id": self.object_id})
        return f"{reverse('core:audit_list')}?{query}"

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events cannot be deleted")


class JobState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class JobQuerySet(ScopedQuerySet):
    """A job is its owner's (see the tables at the end of this module)."""


class Job(models.Model):
    """A piece of long work (import, export, batch PDF) and its progress, which pages poll."""

    kind = models.CharField(_("kind"), max_length=60)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    state = models.CharField(
        _("state"), max_length=10, choices=JobState.choices, default=JobState.QUEUED
    )
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    message = models.TextField(_("message"), blank=True)  # as said in the owner's language
    # The same message as an id and parameters, rendered in each reader's language; empty on
    # jobs from before, whose `message` is shown as it is.
    stored_message = models.JSONField(_("stored message"), null=True, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    result = models.JSONField(_("result"), null=True, blank=True)
    result_file = models.FileField(_("result file"), upload_to="jobs/%Y/%m/", blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("core:job_detail", args=[self.pk])

    @property
    def percent(self) -> int:
        if self.finished:  # a failed job's bar is full (and red): there is nothing left to do
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

    @property
    def text(self) -> str:
        """The job's message in the language active now."""
        from xuetu.core.notices import message_text

        if self.stored_message is None:
            return self.message
        return message_text(self.stored_message)

    @property
    def nothing_imported(self) -> bool:
        """An import that stored nothing because of its file or its rows."""
        result = self.result if isinstance(self.result, dict) else {}
        if "problems" not in result:  # not an import, or one that stopped before its report
            return False
        return self.state == JobState.FAILED or not (result.get("ok") or result.get("imported"))

    @property
    def problems(self) -> list[dict[str, Any]]:
        """The import report's rows with each message in the language active now."""
        from xuetu.core.notices import message_text

        result = self.result if isinstance(self.result, dict) else {}
        rows = result.get("problems") or []
        return [
            row | {"message": message_text(row.get("text", row.get("message")))} for row in rows
        ]

    @property
    def missing_columns(self) -> str:
        """The required columns a refused file lacks, named in the language active now."""
        from xuetu.core.notices import message_text

        result = self.result if isinstance(self.result, dict) else {}
        return message_text(result.get("missing") or [])

    @property
    def label(self):
        from xuetu.core.jobs import LABELS

        return LABELS.get(self.kind, self.kind)

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)


class NoticeQuerySet(ScopedQuerySet):
    """A notice is its recipient's alone."""

    def for_user(self, user, action: str = VIEW) -> ScopedQuerySet:
        # Not even the city bureau reads or marks another person's notices.
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(recipient_id=user.pk)


class Notice(models.Model):
    """An in-app notice to one person: a message id with its parameters (so each reader sees
    it in their own language), the organisation it concerns them as, and a link."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notices",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="notices",
        null=True,
        blank=True,
    )
    kind = models.CharField(_("kind"), max_length=60)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [models.Index(fields=["recipient", "read_at"], name="notice_unread")]

    def __str__(self) -> str:
        return self.text

    def get_absolute_url(self) -> str:
        return self.url or "/"

    @property
    def text(self) -> str:
        """The message in the language active now."""
        from xuetu.core.notices import notice_text

        return notice_text(self.kind, self.params)


class ConsentStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting a decision")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", pgettext_lazy("request", "Withdrawn")


class ConsentQuerySet(ScopedQuerySet):
    """Who reaches a request: its requester, and what the role owner adds (accounts.access)."""


class ConsentRequest(models.Model):
    """One party asks another (usually the bureau) to allow something the rules do not allow
    by themselves: an early start, a change of a fact the bureau owns. Granting applies it."""

    kind = models.CharField(_("kind"), max_length=60)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=40)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("requesting organisation"),
        on_delete=models.PROTECT,
        related_name="consent_requests",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("reason"), max_length=1000, validators=[validate_text])
    payload = models.JSONField(_("what is asked"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ConsentStatus.choices, default=ConsentStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.TextField(
        _("comment"), max_length=1000, blank=True, validators=[validate_text]
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("request for consent")
        verbose_name_plural = _("requests for consent")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_type", "object_id"],
                condition=models.Q(status="pending"),
                name="consent_one_pending_per_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_type}#{self.object_id} ({self.status})"

    def get_absolute_url(self) -> str:
        from xuetu.core.consent import subject_of

        subject = subject_of(self)
        return subject.get_absolute_url() if hasattr(subject, "get_absolute_url") else "/"


# Access tables of core's own rows (core.access): relations to the user alone; the app that
# owns the roles adds what roles reach (accounts.access).
declare(AuditEvent)
allow(Job, VIEW, ANYONE, of_user("owner_id", "their own jobs"))
allow(Job, CHANGE, ANYONE, of_user("owner_id", "their own jobs"))
allow(Notice, VIEW, ANYONE, of_user("recipient_id", "their own notices"))
allow(Notice, CHANGE, ANYONE, of_user("recipient_id", "their own notices"))
allow(ConsentRequest, VIEW, ANYONE, of_user("requested_by_id", "the requests they made"))


# The working-day calendar (core.workdays): shared reference data, read by anyone signed in,
# changed by the city bureau in the admin.
class WorkdayYear(models.Model):
    """A year whose holidays the bureau declares it has entered in full (as overrides), for a
    year the chinese-calendar package does not know yet."""

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    complete = models.BooleanField(
        _("entered in full"),
        default=False,
        help_text=_(
            "Tick once every holiday and make-up working day the State Council published for "
            "the year is entered as a local change: the other days then follow the week."
        ),
    )
    note = models.CharField(_("note"), max_length=200, blank=True, validators=[validate_line])

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("working-day year")
        verbose_name_plural = _("working-day years")

    def __str__(self) -> str:
        return str(self.year)

    def get_absolute_url(self) -> str:
        # The bureau keeps the calendar in the admin; no page of its own.
        return reverse("admin:core_workdayyear_change", args=[self.pk])


class WorkdayOverride(models.Model):
    """A local change to the working-day calendar: a holiday the package lacks, or a make-up
    working day. It wins over the package."""

    date = models.DateField(_("date"), unique=True, validators=[validate_entered_date])
    is_workday = models.BooleanField(
        _("working day"), help_text=_("Ticked: a working day. Not ticked: a holiday.")
    )
    note = models.CharField(_("note"), max_length=200, blank=True, validators=[validate_line])

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        verbose_name = _("working-day change")
        verbose_name_plural = _("working-day changes")

    def __str__(self) -> str:
        return self.date.isoformat()

    def get_absolute_url(self) -> str:
        return reverse("admin:core_workdayoverride_change", args=[self.pk])
