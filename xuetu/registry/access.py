"""Who reaches the registry's rows: enterprises, institutions and people (core.access).
Programmes adds the relations it owns (rosters, mentors, partnerships) to these tables."""

from xuetu.accounts.choices import Role
from xuetu.core.access import (
    ANYONE,
    CHANGE,
    VIEW,
    allow,
    in_districts,
    in_organisations,
    of_user,
)
from xuetu.registry.models import Enterprise, Institution, Person

MANAGERS = (Role.ENTERPRISE_MANAGER, Role.INSTITUTION_MANAGER)
# A person's phone and education in full (others see the phone masked and no education):
# who recorded them, the person themself, and (programmes) their mentors.
CONTACT = "contact"
FACTS = "facts"  # an enterprise's name, USCC and district: the bureau's to change


def register() -> None:
    # Enterprises: their own managers, and the district that reviews them.
    allow(Enterprise, VIEW, Role.ENTERPRISE_MANAGER, in_organisations("pk", "their own enterprise"))
    allow(
        Enterprise,
        VIEW,
        Role.DISTRICT_REVIEWER,
        in_districts("district_id", "the enterprises of their district"),
    )
    allow(
        Enterprise, CHANGE, Role.ENTERPRISE_MANAGER, in_organisations("pk", "their own enterprise")
    )
    allow(
        Enterprise,
        FACTS,
        Role.DISTRICT_REVIEWER,
        in_districts("district_id", "the enterprises of their district"),
    )
    # Institutions are public bodies that every signed-in user finds (a shared queryset);
    # their own managers edit them.
    allow(
        Institution,
        CHANGE,
        Role.INSTITUTION_MANAGER,
        in_organisations("pk", "their own institution"),
    )
    # People: whom one's organisation registered, oneself, and (district) whom the
    # organisations of the district registered.
    for role in MANAGERS:
        allow(Person, VIEW, role, in_organisations("registered_by_id", "whom they registered"))
        allow(Person, CHANGE, role, in_organisations("registered_by_id", "whom they registered"))
        allow(Person, CONTACT, role, in_organisations("registered_by_id", "whom they registered"))
    allow(
        Person,
        VIEW,
        Role.DISTRICT_REVIEWER,
        in_districts(
            "registered_by__district_id", "whom their district's organisations registered"
        ),
    )
    allow(Person, VIEW, ANYONE, of_user("user_id", "their own person record"))
    allow(Person, CONTACT, ANYONE, of_user("user_id", "their own person record"))
