"""The relationship log's events in a party's timeline: each contact made, each follow-up."""

from django.urls import reverse
from django.utils.translation import gettext as _

from clientela.core.registries import TimelineEvent

from .models import Activity, Status


def activity_events(party, user, *, before=None, limit: int):
    """Newest first by contact date, limited to what `user` may see (one query)."""
    queryset = (
        Activity.objects.restrict(user)
        .filter(party=party)
        .select_related("type", "assignee")
        .order_by("-contacted_at", "-id")
    )
    if before is not None:
        queryset = queryset.filter(contacted_at__lt=before)
    for activity in queryset[:limit]:
        who = activity.assignee.get_short_name()
        if activity.status == Status.OPEN:
            title = _("%(type)s to do by %(who)s") % {"type": activity.type.label, "who": who}
        elif activity.status == Status.CANCELLED:
            title = _("%(type)s cancelled") % {"type": activity.type.label}
        else:
            title = _("%(type)s by %(who)s") % {"type": activity.type.label, "who": who}
        summary = activity.description.splitlines()[0][:80] if activity.description else ""
        yield TimelineEvent(
            at=activity.contacted_at,
            kind="activity",
            title=f"{title}: {summary}" if summary else title,
            url=reverse("activities:detail", kwargs={"pk": activity.pk}),
            object_id=activity.pk,
        )
