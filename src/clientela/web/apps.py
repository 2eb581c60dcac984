from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """The page shell: base template, start page, header and error pages.

    It sits above every domain app and reads their registries (navigation, top bar);
    no domain app imports it.
    """

    name = "clientela.web"
    label = "web"
    verbose_name = _("Page shell")
