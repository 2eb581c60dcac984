from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevdataConfig(AppConfig):
    """Demo and benchmark data: above every domain app, so it may fill all of them."""

    name = "clientela.devdata"
    label = "devdata"
    verbose_name = _("Demo and benchmark data")
