"""Who reaches subsidy policies: they are shared reference data (`ReferenceQuerySet`), read by
every signed-in user (an enterprise reads the standards its classes will earn) and changed by
the city bureau alone, in the admin: a table that gives no role a change row."""

from __future__ import annotations

from xuetu.core.access import declare
from xuetu.subsidies.models import SubsidyPolicy, SubsidyStandard


def register() -> None:
    # No role but the city bureau changes a policy or its standards; everyone signed in reads.
    declare(SubsidyPolicy)
    declare(SubsidyStandard)
