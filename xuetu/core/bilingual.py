"""Reference data named in Chinese, with an English name for the English interface."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from xuetu.core.validators import validate_line


class Bilingual(models.Model):
    """Reference data named in Chinese, with an English name for the English interface."""

    name = models.CharField(_("name"), max_length=120, validators=[validate_line])
    name_en = models.CharField(
        _("English name"), max_length=160, blank=True, validators=[validate_line]
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name
