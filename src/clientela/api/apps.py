from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The REST API: a layer above the domain apps, which it serves through their services."""

    name = "clientela.api"
    label = "api"
    verbose_name = _("API")
