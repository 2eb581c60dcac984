import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "clientela.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from clientela.core.registries import (
            NavEntry,
            PeriodicJob,
            TopbarItem,
            jobs,
            navigation,
            topbar,
        )

        from .access import is_admin, uses_crm
        from .housekeeping import clear_expired_sessions
        from .services import prune_password_reset_mails, send_password_reset_mails
        from .throttle import prune_login_failures

        navigation.register(
            NavEntry("users", _("Users"), "accounts:users", 900, is_admin, settings=True)
        )
        navigation.register(
            NavEntry("units", _("Business units"), "accounts:units", 910, is_admin, settings=True)
        )
        topbar.register(TopbarItem("unit", "accounts/_topbar_unit.html", 500, uses_crm))
        hourly = datetime.timedelta(hours=1)
        jobs.register(PeriodicJob("clear_expired_sessions", hourly, clear_expired_sessions))
        jobs.register(PeriodicJob("prune_login_failures", hourly, prune_login_failures))
        # Password reset mails are sent here, not in the request (see services).
        jobs.register(
            PeriodicJob(
                "send_password_reset_mails",
                datetime.timedelta(seconds=5),
                send_password_reset_mails,
                again_when_busy=True,
            )
        )
        jobs.register(PeriodicJob("prune_password_reset_mails", hourly, prune_password_reset_mails))
