from django.db import models
from django.utils.translation import gettext_lazy as _


class ModuleKind(models.TextChoices):
    THEORY = "theory", _("Theory")
    PRACTICAL = "practical", _("Practical skills")
    SAFETY = "safety", _("Safety")
    ETHICS = "ethics", _("Professional ethics and craftsmanship")


class ModulePlace(models.TextChoices):
    SCHOOL = "school", _("At the institution")
    WORKPLACE = "workplace", _("At the workplace")
    ONLINE = "online", _("Online")


# Hours a single module may plan: a two-year class at 600 a year has 1,200 in all.
MAX_MODULE_HOURS = 2000
