from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from xuetu.accounts.models import District as District
from xuetu.accounts.models import Organisation, OrganisationQuerySet
from xuetu.core.access import ReferenceQuerySet, ScopedQuerySet
from xuetu.core.bilingual import Bilingual
from xuetu.core.links import HasPage

# District lives in accounts (every organisation has its place); the registry keeps its
# pages, API and reference file, and they read it from here.
from xuetu.core.validators import validate_line
from xuetu.registry.choices import (
    Education,
    EnterpriseSize,
    Gender,
    InstitutionType,
    SkillLevel,
)


class IndustryCluster(HasPage, Bilingual):
    """A group of industry chains, e.g. a tier of the 33618 cluster system."""

    page_url_name = "registry:industrycluster_detail"

    code = models.SlugField(_("code"), max_length=40, unique=True)
    sort = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["sort", "code"]
        verbose_name = _("industry cluster")
        verbose_name_plural = _("industry clusters")


class IndustryChain(HasPage, Bilingual):
    """A key industry chain (重点产业链)."""

    page_url_name = "registry:industrychain_detail"

    code = models.SlugField(_("code"), max_length=40, unique=True)
    cluster = models.ForeignKey(
        IndustryCluster,
        verbose_name=_("cluster"),
        on_delete=models.PROTECT,
        related_name="chains",
    )

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["cluster__sort", "code"]
        verbose_name = _("industry chain")
        verbose_name_plural = _("industry chains")


class Occupation(HasPage, Bilingual):
    """An occupation (职业/工种) from the national occupation catalogue."""

    page_url_name = "registry:occupation_detail"

    code = models.CharField(_("code"), max_length=20, unique=True, validators=[validate_line])
    levels = models.CharField(
        _("levels offered"),
        max_length=10,
        default="54321",
        help_text=_("Skill levels offered, as digits 1 to 5, e.g. 5432."),
    )
    chains = models.ManyToManyField(
        IndustryChain, verbose_name=_("industry chains"), blank=True, related_name="occupations"
    )

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("occupation")
        verbose_name_plural = _("occupations")

    def __str__(self) -> str:
        return f"{self.code} {self.display_name}"

    @property
    def level_list(self) -> list[int]:
        return sorted({int(c) for c in self.levels if c in "12345"}, reverse=True)

    @property
    def level_labels(self) -> list[str]:
        return [str(SkillLevel(level).label) for level in self.level_list]

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if not self.levels or any(c not in "12345" for c in self.levels):
            raise ValidationError({"levels": _("Use the digits 1 to 5 only, e.g. 5432.")})
        self.levels = "".join(str(level) for level in self.level_list)


class Enterprise(Organisation):
    """An enterprise that trains apprentices. Its organisation row holds name and district."""

    page_url_name = "registry:enterprise_detail"

    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    uscc_accepted_reason = models.CharField(
        _("reason for accepting a failing check character"),
        max_length=200,
        blank=True,
        validators=[validate_line],
    )
    uscc_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    size = models.CharField(
        _("size"), max_length=10, choices=EnterpriseSize.choices, default=EnterpriseSize.MEDIUM
    )
    chains = models.ManyToManyField(
        IndustryChain, verbose_name=_("industry chains"), blank=True, related_name="enterprises"
    )
    skilled_worker_share = models.DecimalField(
        _("skilled-worker share (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    address = models.CharField(_("address"), max_length=200, blank=True, validators=[validate_line])
    contact_name = models.CharField(
        _("contact person"), max_length=60, blank=True, validators=[validate_line]
    )
    contact_phone = models.CharField(
        _("contact phone"), max_length=20, blank=True, validators=[validate_line]
    )

    # A child model may have its own manager; the stubs type the parent's as a ClassVar.
    objects = OrganisationQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["name"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")


class InstitutionQuerySet(OrganisationQuerySet):
    """Training institutions are public bodies: every signed-in user can find them (an
    enterprise needs one to sign an agreement); only their managers and the city edit them."""

    shared = True


class Institution(Organisation):
    """A training institution: technician college, vocational college, training provider…"""

    page_url_name = "registry:institution_detail"

    uscc = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, null=True, blank=True
    )
    institution_type = models.CharField(
        _("institution type"), max_length=30, choices=InstitutionType.choices
    )
    address = models.CharField(_("address"), max_length=200, blank=True, validators=[validate_line])
    contact_name = models.CharField(
        _("contact person"), max_length=60, blank=True, validators=[validate_line]
    )
    contact_phone = models.CharField(
        _("contact phone"), max_length=20, blank=True, validators=[validate_line]
    )

    objects = InstitutionQuerySet.as_manager()  # type: ignore[misc]  # as Enterprise's

    class Meta:
        ordering = ["name"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")


class PersonQuerySet(ScopedQuerySet):
    """Who reaches a person: the registry's table and the rows programmes adds to it (the
    apprentices on one's rosters, whoever registered them first): see registry.access."""


class RetirementTrack(models.TextChoices):
    """A person's original statutory retirement age, from which the gradual rise since 2025
    counts (programmes.rules: the keys of a policy's retirement schedule)."""

    MALE_60 = "male_60", _("Man, originally 60")
    FEMALE_55 = "female_55", _("Woman, originally 55 (management and technical posts)")
    FEMALE_50 = "female_50", _("Woman, originally 50 (worker posts)")


class Person(HasPage, models.Model):
    """A natural person: apprentice, mentor or teacher. Gender and birth date come from the
    resident ID number."""

    page_url_name = "registry:person_detail"

    id_number = models.CharField(_("resident ID number"), max_length=18, unique=True)
    name = models.CharField(_("full name"), max_length=60, validators=[validate_line])
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"))
    phone = models.CharField(_("mobile phone"), max_length=11, blank=True)
    education = models.CharField(
        _("education"), max_length=2, choices=Education.choices, blank=True
    )
    is_full_time_student = models.BooleanField(_("full-time student"), default=False)
    is_pensioner = models.BooleanField(_("receives a pension"), default=False)
    retirement_track = models.CharField(
        _("original retirement age"),
        max_length=10,
        choices=RetirementTrack.choices,
        blank=True,
        help_text=_("Blank: 60 for men, 50 for women (the age of women on skill posts)."),
    )
    registered_by = models.ForeignKey(
        Organisation,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registered_people",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name
