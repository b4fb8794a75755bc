from django.db import models


class LineStatus(models.TextChoices):
    NOMINATED = "nominated", "Nominated"
    ACTIVE = "active", "Active (on the matrix)"
    DISMANTLED = "dismantled", "Dismantled"
    REJECTED = "rejected", "Rejected"


class LineRole(models.TextChoices):
    LINE_HOLDER = "line_holder", "Line holder"
    CONTROLLER = "controller", "Controller"
    RUNNER = "runner", "Runner"
    USER_OF_ADDRESS = "user_of_address", "User of address"
