from django.db import models


class GangKind(models.TextChoices):
    GANG = "gang", "Gang"
    STREET_GROUP = "street_group", "Street group"


class GangStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    DORMANT = "dormant", "Dormant"
    DISBANDED = "disbanded", "Disbanded"


class GangRole(models.TextChoices):
    LEADER = "leader", "Leader"
    ELDER = "elder", "Elder (senior member)"
    MEMBER = "member", "Member"
    YOUNGER = "younger", "Younger"
    ASSOCIATE = "associate", "Associate"
