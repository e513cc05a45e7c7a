"""A person's data as a given user may see it (PIPL art. 6, the minimum necessary):

- the full resident ID number, and the birth date and gender that would undo its mask, for
  the roles in XUETU_FULL_ID_ROLES, the city bureau and the person themself (core.masking);
  everyone else sees `5001**********7725` and neither field, and cannot search by number;
- the phone in full and the education for who recorded them (the access table's `contact`:
  the registering organisation's managers, the person, their mentors); others see
  `139****5678` and no education — so adding someone registered elsewhere to one's roster
  does not open what the other organisation recorded;
- every full ID a bureau role reads is audited (core.masking.audit_id_views).

Pages, exports and the API read these from here."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from xuetu.core.identifiers import mask_id_number
from xuetu.core.masking import audit_id_views, mask_phone, sees_full_ids, shows_full_id
from xuetu.registry.access import CONTACT
from xuetu.registry.models import Person

__all__ = ["PersonalView", "audit_id_views", "id_search_allowed", "shows_full_id"]


def id_search_allowed(user: Any) -> bool:
    """Whether the user may search, filter or order people by ID number or birth date: only
    a role that sees full numbers (anyone else could recover a number by probing)."""
    return sees_full_ids(user)


class PersonalView:
    """What one user sees of people: asks the access table once for a whole page of them."""

    def __init__(self, user: Any, people: Iterable[Person] = ()) -> None:
        self.user = user
        self._contact: set[int] = set()
        self._asked: set[int] = set()
        self.prefetch(people)

    def prefetch(self, people: Iterable[Person]) -> None:
        ids = {p.pk for p in people} - self._asked
        if ids:
            reached = Person.objects.for_user(self.user, CONTACT).filter(pk__in=ids)
            self._contact |= set(reached.values_list("pk", flat=True))
            self._asked |= ids

    def know_all(self, people: Any) -> None:
        """Asks once for a whole queryset (an export): every contact the user may see in it."""
        reached = Person.objects.for_user(self.user, CONTACT).filter(pk__in=people.values("pk"))
        self._contact = set(reached.values_list("pk", flat=True))
        self._asked = set(people.values_list("pk", flat=True))

    def full_id(self, person: Person) -> bool:
        return shows_full_id(self.user, person)

    def id_number(self, person: Person) -> str:
        return person.id_number if self.full_id(person) else mask_id_number(person.id_number)

    def contact(self, person: Person) -> bool:
        self.prefetch([person])
        return person.pk in self._contact

    def phone(self, person: Person) -> str:
        return person.phone if self.contact(person) else mask_phone(person.phone)

    def education(self, person: Person) -> str:
        return person.get_education_display() if self.contact(person) else ""

    def fields(self, person: Person) -> dict[str, Any]:
        """What a page shows of the person, each field only if the user may see it."""
        shown: dict[str, Any] = {"id_number": self.id_number(person), "phone": self.phone(person)}
        if self.full_id(person):
            shown.update(gender=person.get_gender_display(), birth_date=person.birth_date)
        if self.contact(person):
            shown["education"] = person.get_education_display()
        return shown
