from django import template

from xuetu.core.identifiers import mask_id_number
from xuetu.registry.masking import shows_full_id

register = template.Library()


@register.filter
def id_for(person, user) -> str:
    """The person's ID number as this user may see it: `{{ person|id_for:request.user }}`."""
    if person is None:
        return ""
    return person.id_number if shows_full_id(user, person) else mask_id_number(person.id_number)


@register.simple_tag(takes_context=True)
def page_url(context, page: int) -> str:
    """The current list's query string with another page number."""
    querystring = context.get("querystring", "")
    return f"?{querystring}&page={page}" if querystring else f"?page={page}"
