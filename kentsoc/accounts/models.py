from django.db import models
from knox.models import AbstractAuthToken


class ApiToken(AbstractAuthToken):
    """A knox token (only a SHA-512 digest of the key is stored) plus when it was last used, so an
    officer can spot a token they do not recognise on /account/tokens/ and revoke it."""

    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "API token"
        ordering = ["-created"]

    def __str__(self) -> str:
        # Never the digest: it is the token's stored secret-equivalent for lookups.
        return f"API token {self.public_id} of {self.user}"

    @property
    def public_id(self) -> str:
        """What the owner sees and revokes by: a prefix of the digest (never the key itself)."""
        return self.digest[:16]
