import datetime

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xuetu.accounts.choices import ROLES_BY_KIND, OrganisationKind, Role
from xuetu.core.access import ReferenceQuerySet, ScopedQuerySet
from xuetu.core.bilingual import Bilingual
from xuetu.core.links import HasPage, page_url_name
from xuetu.core.validators import validate_line


class User(AbstractUser):
    """A person who signs in. What they may see comes from their memberships."""

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def get_absolute_url(self) -> str:
        # People's sign-ins are kept by the operator in the admin.
        return reverse("admin:accounts_user_change", args=[self.pk])


class DistrictQuerySet(ReferenceQuerySet):
    def in_force(self, on: datetime.date) -> "DistrictQuerySet":
        """The districts that exist on `on` (a district without dates always has)."""
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=on),
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=on),
        )


class District(HasPage, Bilingual):
    """A district or county (区县), coded by GB/T 2260: where an organisation is, and what a
    district bureau reviews. The registry keeps its pages and its reference file.

    Districts are effective-dated: a district abolished by a reorganisation keeps its row
    (its code stays valid for ID numbers and history) with its last day in force and the
    districts that took it over; new enterprises go only to a district in force."""

    code = models.CharField(_("code"), max_length=6, unique=True)
    valid_from = models.DateField(
        _("in force from"), null=True, blank=True, help_text=_("Empty: since before records.")
    )
    valid_to = models.DateField(
        _("in force until"),
        null=True,
        blank=True,
        help_text=_("The last day in force; empty while the district exists."),
    )
    successors = models.ManyToManyField(
        "self",
        verbose_name=_("successors"),
        symmetrical=False,
        blank=True,
        related_name="predecessors",
        help_text=_("The districts that took over an abolished district's area."),
    )

    objects = DistrictQuerySet.as_manager()

    class Meta:
        # The table keeps the name it was created with in the registry, so existing
        # databases need no change (migrations accounts 0003, registry 0003).
        db_table = "registry_district"
        ordering = ["code"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def clean(self) -> None:
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError(
                {"valid_to": _("The last day in force cannot be before the first.")}
            )

    def in_force_on(self, on: datetime.date) -> bool:
        starts = self.valid_from is None or self.valid_from <= on
        return starts and (self.valid_to is None or on <= self.valid_to)


class OrganisationQuerySet(ScopedQuerySet):
    """Who reaches an organisation: accounts.access (and registry.access for enterprises)."""


class Organisation(models.Model):
    """A tenant: the city bureau, a district bureau, an enterprise or an institution."""

    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    name = models.CharField(_("name"), max_length=200, validators=[validate_line])
    district = models.ForeignKey(
        District,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        """An enterprise's or institution's registry page; a bureau's record in the admin."""
        name = page_url_name(f"accounts.organisation.{self.kind}")
        if name is None:
            return reverse("admin:accounts_organisation_change", args=[self.pk])
        return reverse(name, args=[self.pk])

    def clean(self) -> None:
        if self.kind == OrganisationKind.DISTRICT_BUREAU and not self.district_id:
            raise ValidationError({"district": _("A district bureau needs its district.")})


class Membership(models.Model):
    """One role a user holds in one organisation."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "role"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"

    def get_absolute_url(self) -> str:
        """A membership is kept with its user."""
        return self.user.get_absolute_url()

    def clean(self) -> None:
        allowed = ROLES_BY_KIND.get(self.organisation.kind, frozenset())
        if self.role not in allowed:
            raise ValidationError(
                {"role": _("This role cannot be held in this kind of organisation.")}
            )


class ActivationCodeQuerySet(ScopedQuerySet):
    """Nobody but the city bureau reads these rows (accounts.access); services use them."""


class ActivationCode(models.Model):
    """A one-time code a person types to set their own password (accounts.activation).

    Only a keyed hash of the code is kept: the code itself is printed once, on the letter,
    and never stored or audited. A user has at most one live code: issuing a new one revokes
    the old."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="activation_codes"
    )
    code_hash = models.CharField(_("code hash"), max_length=64, unique=True)
    created_by = models.ForeignKey(
        User,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ActivationCodeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("activation code")
        verbose_name_plural = _("activation codes")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(used_at__isnull=True, revoked_at__isnull=True),
                name="activation_code_one_live_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return self.user.get_absolute_url()
