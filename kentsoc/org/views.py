"""The officer's own account: choosing a new password."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from kentsoc.org.forms import OwnPasswordForm
from kentsoc.org.scoping import must_change_password
from kentsoc.org.services import password_change_own


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@never_cache
@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    required = must_change_password(request.user)
    form = OwnPasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = password_change_own(user=request.user, password=form.cleaned_data["new_password1"])
        # This browser stays signed in; every other session of the account ends.
        update_session_auth_hash(request, user)
        messages.success(request, "Your password has been changed.")
        return redirect("home")
    return render(request, "org/password_change.html", {"form": form, "required": required})
