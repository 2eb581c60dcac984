"""The party's own contribution to its timeline: when it was registered, trashed, restored.

Field changes are not the timeline's business: they are on the Changes tab.

Other apps (the relationship log, documents, payments, calls…) register their own
sources in their AppConfig.ready(); see clientela.core.registries.timeline_for.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy

from clientela.audit.models import Action
from clientela.audit.services import history_for
from clientela.core.registries import TimelineEvent

from .models import Party

TITLES = {
    Action.CREATE: gettext_lazy("Registered by %(actor)s"),
    Action.DELETE: gettext_lazy("Moved to the trash by %(actor)s"),
    Action.RESTORE: gettext_lazy("Restored by %(actor)s"),
}
# The same without a person: done by the system (an import, a command).
TITLES_AUTOMATIC = {
    Action.CREATE: gettext_lazy("Registered automatically"),
    Action.DELETE: gettext_lazy("Moved to the trash automatically"),
    Action.RESTORE: gettext_lazy("Restored automatically"),
}


def history_events(party, user, *, before=None, limit: int):
    records = history_for(Party.history_entity, party.pk).filter(action__in=list(TITLES))
    if before is not None:
        records = records.filter(at__lt=before)
    url = reverse("parties:history", kwargs={"pk": party.pk})
    for record in records[:limit]:
        if record.actor_name:
            title = str(TITLES[record.action]) % {"actor": record.actor_name}
        else:
            title = str(TITLES_AUTOMATIC[record.action])
        yield TimelineEvent(
            at=record.at,
            kind="change",
            title=title,
            url=url,
            object_id=record.pk,
        )
