from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    CITY_BUREAU = "city_bureau", _("City bureau")
    DISTRICT_BUREAU = "district_bureau", _("District bureau")
    ENTERPRISE = "enterprise", _("Enterprise")
    INSTITUTION = "institution", _("Training institution")


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", _("City administrator")
    DISTRICT_REVIEWER = "district_reviewer", _("District reviewer")
    ENTERPRISE_MANAGER = "enterprise_manager", _("Enterprise manager")
    INSTITUTION_MANAGER = "institution_manager", _("Institution manager")
    MENTOR = "mentor", _("Mentor")
    APPRENTICE = "apprentice", _("Apprentice")


# Which roles a membership may carry in each kind of organisation.
ROLES_BY_KIND: dict[str, frozenset[str]] = {
    OrganisationKind.CITY_BUREAU: frozenset({Role.CITY_ADMIN}),
    OrganisationKind.DISTRICT_BUREAU: frozenset({Role.DISTRICT_REVIEWER}),
    OrganisationKind.ENTERPRISE: frozenset({Role.ENTERPRISE_MANAGER, Role.MENTOR, Role.APPRENTICE}),
    OrganisationKind.INSTITUTION: frozenset({Role.INSTITUTION_MANAGER, Role.MENTOR}),
}

MANAGER_ROLES = frozenset({Role.ENTERPRISE_MANAGER, Role.INSTITUTION_MANAGER})
