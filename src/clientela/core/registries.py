"""The registries apps plug into, each filled from the apps' AppConfig.ready().

One style for all: an app builds a small frozen record (a navigation entry, a
tab of the party page, a top-bar item, a timeline source, a field of
/api/v1/me, a worker job) and calls `<registry>.register(record)` in its
ready(). Lower apps never import higher ones: they only read the registry.
Only what is registered is shown, so there is never a dead link.
"""

from __future__ import annotations

import datetime
import heapq
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.urls import reverse


def _always(*args) -> bool:
    return True


T = TypeVar("T")


class Registry(Generic[T]):
    """Records keyed by `key` (or `name`), kept in `order`; registering a key again replaces it."""

    def __init__(self, name: str):
        self.name = name
        self._items: dict[str, T] = {}

    @staticmethod
    def _key(item) -> str:
        return getattr(item, "key", None) or item.name

    def register(self, item: T) -> T:
        self._items[self._key(item)] = item
        return item

    def unregister(self, key: str) -> None:
        self._items.pop(key, None)

    def all(self) -> list[T]:
        return sorted(self._items.values(), key=lambda item: getattr(item, "order", 0))

    def get(self, key: str) -> T | None:
        return self._items.get(key)

    def __iter__(self):
        return iter(self.all())

    def __len__(self) -> int:
        return len(self._items)


# --- the page shell ------------------------------------------------------------


@dataclass(frozen=True)
class NavEntry:
    """A link of the left navigation (or, with settings=True, of its Settings part)."""

    key: str
    label: str  # a lazy translation
    url_name: str
    order: int
    visible: Callable[[Any], bool] = _always
    settings: bool = False

    @property
    def url(self) -> str:
        return reverse(self.url_name)


@dataclass(frozen=True)
class TopbarItem:
    """A piece of the top bar (the search box, "New follow-up", the bell, the unit switcher).

    `template` is rendered with the page's context; `visible(user)` decides whether it shows.
    """

    key: str
    template: str
    order: int
    visible: Callable[[Any], bool] = _always


@dataclass(frozen=True)
class Tab:
    """A tab of a record page; `url_name` takes the record's pk."""

    key: str
    label: str
    url_name: str
    order: int
    visible: Callable[[Any, Any], bool] = _always

    def url(self, record) -> str:
        return reverse(self.url_name, kwargs={"pk": record.pk})


navigation: Registry[NavEntry] = Registry("navigation")
topbar: Registry[TopbarItem] = Registry("topbar")
# Tabs per record page: tabs["party"] is the party page's tab bar.
tabs: dict[str, Registry[Tab]] = {}


def tab_registry(page: str) -> Registry[Tab]:
    return tabs.setdefault(page, Registry(f"tabs:{page}"))


def nav_for(user, *, settings: bool = False) -> list[NavEntry]:
    return [e for e in navigation if e.settings == settings and e.visible(user)]


def topbar_for(user) -> list[TopbarItem]:
    return [item for item in topbar if item.visible(user)]


def tabs_for(page: str, user, record) -> list[Tab]:
    return [tab for tab in tab_registry(page) if tab.visible(user, record)]


# --- the party timeline --------------------------------------------------------


@dataclass(frozen=True)
class TimelineEvent:
    """One dated thing in a record's story: a contact made, a sale, a payment, a call…"""

    at: datetime.datetime
    kind: str
    title: str
    url: str = ""
    object_id: int | None = None


@dataclass(frozen=True)
class TimelineSource:
    """`events(record, user, *, before, limit)`: the newest events before `before`, at most
    `limit`, newest first, already limited to what `user` may see."""

    key: str
    events: Callable[..., Iterable[TimelineEvent]]
    order: int = 0


timelines: dict[str, Registry[TimelineSource]] = {}


def timeline_registry(page: str) -> Registry[TimelineSource]:
    return timelines.setdefault(page, Registry(f"timeline:{page}"))


def timeline_for(
    page: str, record, user, *, limit: int, before: datetime.datetime | None = None
) -> list[TimelineEvent]:
    """The newest `limit` events of every source, merged newest first.

    Each source is asked for `limit` events at most, so the cost is bounded by the
    number of sources, whatever the length of the record's story.
    """
    streams = [
        list(source.events(record, user, before=before, limit=limit))
        for source in timeline_registry(page)
    ]
    merged = heapq.merge(*streams, key=lambda event: event.at, reverse=True)
    return [event for _index, event in zip(range(limit), merged, strict=False)]


# --- /api/v1/me --------------------------------------------------------------------


@dataclass(frozen=True)
class MeField:
    """An extra field of GET /api/v1/me, e.g. `calendar_feed_url` from the relationship log.

    `resolve(user, request)` gives its value; `type` is its Python type for the schema.
    """

    name: str
    type: Any
    resolve: Callable[[Any, Any], Any]
    description: str = ""
    order: int = 0


me_fields: Registry[MeField] = Registry("me_fields")


# --- the worker ----------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodicJob:
    """A function without arguments the worker runs every `interval`.

    It does one bounded batch of work and returns how many items it handled (or
    None). A job marked `again_when_busy` that handled something is due again at
    once (there may be more waiting).
    """

    name: str
    interval: datetime.timedelta
    func: Callable[[], int | None]
    again_when_busy: bool = False
    order: int = field(default=0, compare=False)

    @property
    def seconds(self) -> float:
        return max(self.interval.total_seconds(), 1.0)


jobs: Registry[PeriodicJob] = Registry("jobs")
