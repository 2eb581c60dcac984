from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "clientela.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from clientela.core.navigation import NavEntry, register_nav

        def admin_only(user):
            return user.is_admin

        register_nav(
            NavEntry("users", _("Users"), "accounts:users", 900, admin_only), settings=True
        )
        register_nav(
            NavEntry("units", _("Business units"), "accounts:units", 910, admin_only), settings=True
        )
