from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartiesConfig(AppConfig):
    name = "clientela.parties"
    label = "parties"
    verbose_name = _("Customers and suppliers")

    def ready(self):
        from clientela.core.navigation import NavEntry, Tab, register_nav, register_tab

        register_nav(NavEntry("customers", _("Customers"), "parties:customers", 200))
        register_nav(NavEntry("suppliers", _("Suppliers"), "parties:suppliers", 210))
        register_nav(
            NavEntry("trash", _("Trash"), "parties:trash", 950, lambda user: user.is_admin),
            settings=True,
        )
        register_tab("party", Tab("general", _("General"), "parties:detail", 100))
        register_tab("party", Tab("history", _("History"), "parties:history", 900))
