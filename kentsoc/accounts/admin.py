"""No admin pages for credentials.

API tokens (knox's, or the old DRF ones) and second-factor devices are never administered: an
administrator must not read or mint another officer's token, nor read a device's secret key (from
which every future code follows). django-otp registers device admins that show the key; they come
off here whatever else trims the admin site. A lost device is reset with
`manage.py reset_second_factor <username>` (audited), which deletes it: the officer enrols again
at their next sign-in.
"""

from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from kentsoc.accounts.models import ApiToken

for _model in (TOTPDevice, StaticDevice, ApiToken):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
