"""API tokens: get one (password, and the second factor outside the demo), sign out, list and
revoke your own. Nobody, an administrator included, can list or mint another officer's token."""

from __future__ import annotations

from django.contrib.auth import authenticate
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from kentsoc.accounts import selectors, services
from kentsoc.accounts.api.serializers import (
    ApiTokenSerializer,
    TokenIssuedSerializer,
    TokenRequestSerializer,
)
from kentsoc.accounts.authentication import ApiTokenAuthentication

LOCKED_OUT = (
    "Too many failed sign-in attempts for this account from this address: it is locked here for "
    "a while. Try again later or contact the service desk."
)
BAD_CREDENTIALS = "Unable to log in with provided credentials."
ENROL_FIRST = (
    "Set up your second factor first: sign in on the web, where the first sign-in enrols your "
    "authenticator app; then ask for a token with its code as `otp`."
)
OTP_REQUIRED = (
    "This field is required: the six-digit code from your authenticator app, or a recovery code."
)
OTP_WRONG = "Wrong or expired code, or too soon after a wrong one: wait a few seconds."


def _detail(description: str) -> OpenApiResponse:
    return OpenApiResponse(response=OpenApiTypes.OBJECT, description=description)


class TokenObtainView(APIView):
    """POST {"username", "password"[, "otp"]} → {"token", "expiry"} for
    `Authorization: Token <token>`. The password check goes through authenticate(), so
    django-axes counts failures and locks the username from that address like the sign-in page;
    failures are audited by the same receiver."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    # JSON, or a form as `curl -d username=...` sends it (DRF's token view took both).
    parser_classes = [*api_settings.DEFAULT_PARSER_CLASSES, FormParser, MultiPartParser]

    def _locked(self, request: Request) -> Response | None:
        if getattr(request, "axes_locked_out", False):
            return Response({"detail": LOCKED_OUT}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        return None

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenIssuedSerializer,
            400: _detail(
                'Missing fields, wrong credentials (`non_field_errors`), or `{"otp": [...]}` '
                "when the code is missing or wrong."
            ),
            403: _detail(
                "The second factor is on and you have not enrolled yet: sign in on the web first."
            ),
            429: _detail("Locked out after repeated failures from this address."),
        },
        auth=[],
    )
    def post(self, request: Request, *args, **kwargs) -> Response:
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        user = authenticate(
            request=request, username=fields["username"], password=fields["password"]
        )
        if user is None:
            return self._locked(request) or Response(
                {"non_field_errors": [BAD_CREDENTIALS]}, status=status.HTTP_400_BAD_REQUEST
            )
        if services.second_factor_required(user):
            if services.confirmed_totp_device(user) is None:
                return Response({"detail": ENROL_FIRST}, status=status.HTTP_403_FORBIDDEN)
            if not fields.get("otp"):
                raise ValidationError({"otp": [OTP_REQUIRED]})
            if (
                services.second_factor_verify(user=user, code=fields["otp"], request=request)
                is None
            ):
                return self._locked(request) or Response(
                    {"otp": [OTP_WRONG]}, status=status.HTTP_400_BAD_REQUEST
                )
        issued = services.token_issue(actor=user, via="api")
        return Response(
            TokenIssuedSerializer({"token": issued.key, "expiry": issued.token.expiry}).data
        )


class _TokenOnly(APIView):
    # Signing out of the API is for a caller holding a token; the web has its own sign-out.
    authentication_classes = [ApiTokenAuthentication]
    permission_classes = [IsAuthenticated]


class LogoutView(_TokenOnly):
    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request, *args, **kwargs) -> Response:
        """Revoke the token this request came with."""
        services.token_revoke(actor=request.user, token=request.auth, reason="signed out (API)")
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllView(_TokenOnly):
    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request, *args, **kwargs) -> Response:
        """Revoke every token of the caller, this one included."""
        services.tokens_revoke_all(user=request.user, reason="signed out everywhere (API)")
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenListView(generics.ListAPIView):
    """Your own live tokens: id (a prefix of the stored digest, never the key), created, expiry,
    last used (to the minute), and whether it is the one this request came with."""

    serializer_class = ApiTokenSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = None
    filter_backends: list = []

    def get_queryset(self):
        return selectors.token_list(user=self.request.user)


class TokenDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={204: None, 404: _detail("No live token of yours has this id.")},
    )
    def delete(self, request: Request, public_id: str, *args, **kwargs) -> Response:
        """Revoke one of your own tokens."""
        token = selectors.token_get(user=request.user, public_id=public_id)
        if token is None:
            raise NotFound()
        services.token_revoke(actor=request.user, token=token)
        return Response(status=status.HTTP_204_NO_CONTENT)
