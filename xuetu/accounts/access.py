"""Who reaches organisations (accounts' own table; the registry adds enterprises' and
institutions' pages, programmes the partnerships). See core.access."""

from xuetu.accounts.choices import Role
from xuetu.accounts.models import ActivationCode, Organisation
from xuetu.core.access import CHANGE, VIEW, allow, declare, in_districts, in_organisations
from xuetu.core.models import ConsentRequest

MEMBERS = (
    Role.ENTERPRISE_MANAGER,
    Role.INSTITUTION_MANAGER,
    Role.MENTOR,
    Role.APPRENTICE,
    Role.DISTRICT_REVIEWER,
)
MANAGERS = (Role.ENTERPRISE_MANAGER, Role.INSTITUTION_MANAGER)


def register() -> None:
    # Activation codes are read by nobody: only their hash is kept, and the services use it.
    declare(ActivationCode)
    for role in MEMBERS:
        allow(Organisation, VIEW, role, in_organisations("pk", "their own organisation"))
    allow(
        Organisation,
        VIEW,
        Role.DISTRICT_REVIEWER,
        in_districts("district_id", "the organisations of their district"),
    )
    for role in MANAGERS:
        allow(Organisation, CHANGE, role, in_organisations("pk", "their own organisation"))
    # A request for consent: the managers of the organisation that asked, and the reviewers
    # of its district (core.consent decides who may grant it).
    for role in MANAGERS:
        allow(ConsentRequest, VIEW, role, in_organisations("organisation_id", "their own"))
        allow(ConsentRequest, CHANGE, role, in_organisations("organisation_id", "their own"))
    allow(
        ConsentRequest,
        VIEW,
        Role.DISTRICT_REVIEWER,
        in_districts("organisation__district_id", "their district's organisations'"),
    )
