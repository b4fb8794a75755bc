"""The admin signs in through the same two steps as every page.

API tokens and second-factor devices are never administered (an administrator must not read or
mint another officer's token, nor read a device's secret key): kentsoc.org.admin.trim_admin_site
takes their admins off with everything else outside its list. A lost device is reset with
`manage.py reset_second_factor <username>` (audited): the officer enrols again at next sign-in.
"""

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode


def _admin_login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    """The admin's own sign-in form would sign in with the password alone: send it to the
    kentsoc sign-in (password, then the second factor), which validates `next` itself."""
    if request.user.is_authenticated:
        if admin.site.has_permission(request):
            return redirect("admin:index")
        # Signed in without staff status: sending them to sign in again would loop.
        raise PermissionDenied("The admin is for administrators.")
    next_url = request.GET.get("next") or reverse("admin:index")
    return redirect(f"{reverse('login')}?{urlencode({'next': next_url})}")


admin.site.login = _admin_login
