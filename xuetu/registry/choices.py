from django.db import models
from django.utils.translation import gettext_lazy as _


class SkillLevel(models.IntegerChoices):
    """National vocational skill levels; level 1 is the highest."""

    SENIOR_TECHNICIAN = 1, _("Senior technician (高级技师)")
    TECHNICIAN = 2, _("Technician (技师)")
    SENIOR = 3, _("Senior worker (高级工)")
    INTERMEDIATE = 4, _("Intermediate worker (中级工)")
    ELEMENTARY = 5, _("Elementary worker (初级工)")


class CertificateType(models.TextChoices):
    SKILL_LEVEL = "skill_level", _("Skill level certificate (职业技能等级证书)")
    QUALIFICATION = "qualification", _("Vocational qualification certificate (职业资格证书)")
    SPECIAL_ABILITY = "special_ability", _("Special ability certificate (专项职业能力证书)")
    TRAINING = "training", _("Training-completed certificate (培训合格证书)")


class EnterpriseSize(models.TextChoices):
    LARGE = "large", _("Large")
    MEDIUM = "medium", _("Medium")
    SMALL = "small", _("Small")
    MICRO = "micro", _("Micro")


class InstitutionType(models.TextChoices):
    TECHNICIAN_COLLEGE = "technician_college", _("Technician college (技工院校)")
    VOCATIONAL_COLLEGE = "vocational_college", _("Vocational college (职业院校)")
    TRAINING_PROVIDER = "training_provider", _("Vocational training provider (职业培训机构)")
    ENTERPRISE_CENTRE = "enterprise_centre", _("Enterprise training centre (企业培训中心)")
    PUBLIC_BASE = "public_base", _("Public training base (公共实训基地)")


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Education(models.TextChoices):
    """Education levels, after GB/T 4658-2006."""

    POSTGRADUATE = "10", _("Postgraduate")
    BACHELOR = "20", _("Bachelor's degree")
    JUNIOR_COLLEGE = "30", _("Junior college (大专)")
    SECONDARY_VOCATIONAL = "40", _("Secondary vocational (中专/技校)")
    HIGH_SCHOOL = "60", _("Senior high school")
    JUNIOR_HIGH = "70", _("Junior high school")
    PRIMARY = "80", _("Primary school or below")
