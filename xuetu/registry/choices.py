from django.db import models
from django.utils.translation import gettext_lazy as _


class SkillLevel(models.IntegerChoices):
    """National vocational skill levels; level 1 is the highest."""

    SENIOR_TECHNICIAN = 1, _("Senior technician")
    TECHNICIAN = 2, _("Technician")
    SENIOR = 3, _("Senior worker")
    INTERMEDIATE = 4, _("Intermediate worker")
    ELEMENTARY = 5, _("Elementary worker")


class CertificateType(models.TextChoices):
    SKILL_LEVEL = "skill_level", _("Skill level certificate")
    QUALIFICATION = "qualification", _("Vocational qualification certificate")
    SPECIAL_ABILITY = "special_ability", _("Special ability certificate")
    TRAINING = "training", _("Training-completed certificate")


class EnterpriseSize(models.TextChoices):
    LARGE = "large", _("Large")
    MEDIUM = "medium", _("Medium")
    SMALL = "small", _("Small")
    MICRO = "micro", _("Micro")


class InstitutionType(models.TextChoices):
    TECHNICIAN_COLLEGE = "technician_college", _("Technician college")
    VOCATIONAL_COLLEGE = "vocational_college", _("Vocational college")
    TRAINING_PROVIDER = "training_provider", _("Vocational training provider")
    ENTERPRISE_CENTRE = "enterprise_centre", _("Enterprise training centre")
    PUBLIC_BASE = "public_base", _("Public training base")


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Education(models.TextChoices):
    """Education levels, after GB/T 4658-2006."""

    POSTGRADUATE = "10", _("Postgraduate")
    BACHELOR = "20", _("Bachelor's degree")
    JUNIOR_COLLEGE = "30", _("Junior college")
    SECONDARY_VOCATIONAL = "40", _("Secondary vocational")
    HIGH_SCHOOL = "60", _("Senior high school")
    JUNIOR_HIGH = "70", _("Junior high school")
    PRIMARY = "80", _("Primary school or below")
