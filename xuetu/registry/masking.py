"""Who sees a full resident ID number: core's rule (xuetu.core.masking), which the
registry's pages, exports and API read from here."""

from xuetu.core.masking import shows_full_id

__all__ = ["shows_full_id"]
