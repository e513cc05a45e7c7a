"""How the audit log names what the registry records, and people by their names."""

from collections.abc import Iterable, Mapping

from django.utils.translation import gettext_lazy as _

from xuetu.core.audit_labels import register_audit_labels


def person_names(user_ids: Iterable[int]) -> Mapping[int, str]:
    """The registered person's name of each user who has one, in one query."""
    from xuetu.registry.models import Person

    rows = Person.objects.filter(user_id__in=list(user_ids)).values_list("user_id", "name")
    return {user_id: name for user_id, name in rows if name}


register_audit_labels(
    actions={
        "person.id_viewed": _("Full ID number viewed"),
        "person.id_mismatch": _("ID number did not match"),
        "person.link": _("Person linked to an existing record"),
        "enterprise.change_facts": _("Bureau-owned facts changed"),
    },
    actor_names=person_names,
)
