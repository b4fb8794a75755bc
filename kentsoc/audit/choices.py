from django.db import models


class AuditAction(models.TextChoices):
    VIEW = "view", "Viewed"
    # A page of a list, an API page or a search's answer: one event naming the ids returned.
    LIST = "list", "Listed"
    SEARCH = "search", "Searched"
    CREATE = "create", "Created"
    UPDATE = "update", "Changed"
    DELETE = "delete", "Deleted"
    EXPORT = "export", "Exported"
    LOGIN = "login", "Logged in"
    LOGIN_FAILED = "login_failed", "Failed login"
    LOGOUT = "logout", "Logged out"
