from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def repair_search_index(using, **kwargs):
    """After every migrate: a table rebuild on SQLite drops the search index's triggers."""
    from django.db import connections

    from . import search_index

    if search_index.in_use(using):
        search_index.repair(connections[using])


class PartiesConfig(AppConfig):
    name = "clientela.parties"
    label = "parties"
    verbose_name = _("Customers and suppliers")

    def ready(self):
        from clientela.accounts.access import is_admin, uses_crm
        from clientela.core.registries import (
            NavEntry,
            Tab,
            TimelineSource,
            TopbarItem,
            navigation,
            tab_registry,
            timeline_registry,
            topbar,
        )

        from .timeline import history_events

        for key, label, order in (
            ("customers", _("Customers"), 200),
            ("suppliers", _("Suppliers"), 210),
        ):
            navigation.register(NavEntry(key, label, f"parties:{key}", order, uses_crm))
        navigation.register(
            NavEntry("trash", _("Trash"), "parties:trash", 950, is_admin, settings=True)
        )
        topbar.register(TopbarItem("search", "parties/_topbar_search.html", 100, uses_crm))
        tabs = tab_registry("party")
        tabs.register(Tab("general", _("General"), "parties:detail", 100))
        tabs.register(Tab("timeline", _("Timeline"), "parties:timeline", 800))
        tabs.register(Tab("history", _("Changes"), "parties:history", 900))
        timeline_registry("party").register(TimelineSource("changes", history_events, 900))
        post_migrate.connect(repair_search_index, sender=self)
