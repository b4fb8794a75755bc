"""`{% nominal_lifetime nominal %}`: the lifetime summary of a person, for any page that shows
them (e.g. the nominal's detail page). Renders nothing for users without lifetime access."""

from typing import Any

from django import template
from django.http import Http404

from kentsoc.lifetime.selectors import nominal_lifetime_get

register = template.Library()


@register.inclusion_tag("lifetime/partials/nominal_lifetime.html", takes_context=True)
def nominal_lifetime(context: template.Context, nominal: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm("lifetime.view_lifetime"):
        return {"hidden": True}
    try:
        data = nominal_lifetime_get(user=user, nominal_id=nominal.pk)
    except Http404:
        return {"hidden": True}
    return {**data, "show_link": True}
