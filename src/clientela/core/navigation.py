"""Small registries apps add to: the left navigation, and the tabs of a record page.

Only what exists is shown, so there is never a dead link: each app registers
its own entries in its AppConfig.ready().
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: str  # a lazy translation
    url_name: str
    order: int
    visible: Callable = field(default=lambda user: True)

    @property
    def url(self) -> str:
        return reverse(self.url_name)


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    url_name: str  # takes the record's pk
    order: int
    visible: Callable = field(default=lambda user, record: True)

    def url(self, record) -> str:
        return reverse(self.url_name, kwargs={"pk": record.pk})


NAVIGATION: list[NavEntry] = []
SETTINGS_NAVIGATION: list[NavEntry] = []
TABS: dict[str, list[Tab]] = {}


def register_nav(entry: NavEntry, *, settings: bool = False) -> None:
    target = SETTINGS_NAVIGATION if settings else NAVIGATION
    if all(existing.key != entry.key for existing in target):
        target.append(entry)
        target.sort(key=lambda e: e.order)


def register_tab(page: str, tab: Tab) -> None:
    tabs = TABS.setdefault(page, [])
    if all(existing.key != tab.key for existing in tabs):
        tabs.append(tab)
        tabs.sort(key=lambda t: t.order)


def nav_for(user, *, settings: bool = False) -> list[NavEntry]:
    source = SETTINGS_NAVIGATION if settings else NAVIGATION
    return [entry for entry in source if entry.visible(user)]


def tabs_for(page: str, user, record) -> list[Tab]:
    return [tab for tab in TABS.get(page, []) if tab.visible(user, record)]
