from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def offer_returns_after_login(sender, request, user, **kwargs):
    """The agenda offers the returns due today or late once after each login."""
    from .views import LOGIN_PROMPT_KEY

    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_PROMPT_KEY] = True


def seed_types_after_migrate(using, apps=None, **kwargs):
    """A flush (as between browser tests) empties the table the migration filled."""
    from django.db import connections

    from .defaults import seed_default_types
    from .models import ActivityType

    # Not after a migrate that stopped short of this app's tables (`migrate accounts`).
    if ActivityType._meta.db_table in connections[using].introspection.table_names():
        seed_default_types(ActivityType, using)


class ActivitiesConfig(AppConfig):
    """The relationship log: contacts made, follow-ups to make, agenda and calendars."""

    name = "clientela.activities"
    label = "activities"
    verbose_name = _("Relationship log")

    def ready(self):
        from django.db.models import Q

        from clientela.accounts.access import is_admin, register_visibility, uses_crm
        from clientela.core.registries import (
            MeField,
            NavEntry,
            Tab,
            TimelineSource,
            TopbarItem,
            me_fields,
            navigation,
            tab_registry,
            timeline_registry,
            topbar,
        )

        from . import feeds
        from .models import PartyAssignment
        from .timeline import activity_events

        # Scope "own": a party is also yours while a follow-up on it is assigned to you
        # (one indexed lookup in PartyAssignment), and an activity is yours when it is on
        # a party you own.
        register_visibility(
            "parties.Party",
            lambda user: Q(
                pk__in=PartyAssignment.objects.filter(user_id=user.pk).values("party_id")
            ),
        )
        register_visibility("activities.Activity", lambda user: Q(party__owner_id=user.pk))

        for key, label, url_name, order in (
            ("agenda", _("Agenda"), "activities:agenda", 100),
            ("followups", _("Follow-ups"), "activities:list", 300),
            ("calendar", _("Calendar"), "activities:calendar", 310),
        ):
            navigation.register(NavEntry(key, label, url_name, order, uses_crm))
        for key, label, url_name, order in (
            ("activity_types", _("Activity types"), "activities:types", 700),
            ("activity_trash", _("Follow-ups in the trash"), "activities:trash", 951),
        ):
            navigation.register(NavEntry(key, label, url_name, order, is_admin, settings=True))
        for key, label, url_name, order in (
            ("presets", _("Presets"), "activities:presets", 710),
            ("calendar_feed", _("Calendar address"), "activities:feed_page", 720),
        ):
            navigation.register(NavEntry(key, label, url_name, order, uses_crm, settings=True))
        post_migrate.connect(seed_types_after_migrate, sender=self)
        user_logged_in.connect(offer_returns_after_login, dispatch_uid="activities-login-prompt")
        topbar.register(TopbarItem("new_followup", "activities/_topbar_new.html", 150, uses_crm))
        tab_registry("party").register(
            Tab("relationship", _("Relationship"), "activities:party", 200)
        )
        timeline_registry("party").register(TimelineSource("activities", activity_events, 100))
        me_fields.register(
            MeField(
                "calendar_feed_url",
                str | None,
                feeds.feed_url_for,
                "Your private iCalendar address (open follow-ups), or null when you have none.",
            )
        )
