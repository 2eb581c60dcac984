from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    CREATE = "create", _("created")
    UPDATE = "update", _("changed")
    DELETE = "delete", _("moved to the trash")
    RESTORE = "restore", _("restored")
    PURGE = "purge", _("purged")
    REDACT = "redact", _("redacted")


class ChangeRecord(models.Model):
    """One recorded change of one record: who, when, and each field's old -> new value."""

    entity = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    action = models.CharField(max_length=10, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as text too, so the history still reads well if the user is renamed.
    actor_name = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField(db_index=True)
    # {"field": [old, new]} with JSON-ready values.
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["entity", "object_id", "-at"], name="audit_entity_object_at")
        ]

    def __str__(self) -> str:
        return f"{self.entity}#{self.object_id} {self.action} by {self.actor_name} at {self.at}"
