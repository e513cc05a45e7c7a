"""What the registry lets an organisation ask the bureau for (core.consent finds this module).

An enterprise's name, USCC and district are the bureau's facts: the enterprise asks for a
change with a reason, the city administrator or the reviewer of its current district decides,
and granting applies the change through `enterprise_change_facts` in the same transaction."""

from django.utils.translation import gettext_lazy as _

from xuetu.core.consent import ConsentKind, register_consent
from xuetu.registry import services

ENTERPRISE_FACTS = ConsentKind(
    kind=services.FACTS_KIND,
    label=_("change of the enterprise's name, USCC or district"),
    model="registry.Enterprise",
    deciders=services.fact_deciders,
    may_decide=services.may_change_facts,
    grant=services.enterprise_grant_facts,
)

register_consent(ENTERPRISE_FACTS)
