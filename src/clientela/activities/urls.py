from django.urls import path

from clientela.core import converters  # noqa: F401 - registers <id:…>

from . import views

app_name = "activities"
urlpatterns = [
    path("agenda/", views.agenda, name="agenda"),
    path("", views.activity_list, name="list"),
    path("count/", views.bulk_count, name="count"),
    path("bulk/", views.activity_bulk, name="bulk"),
    path("filters/", views.saved_filter_save, name="filter_save"),
    path("filters/<id:pk>/delete/", views.saved_filter_delete, name="filter_delete"),
    path("new/", views.activity_create, name="create"),
    path("quick/", views.quick_add, name="quick"),
    path("party-options/", views.party_options, name="party_options"),
    path("<id:pk>/", views.activity_detail, name="detail"),
    path("<id:pk>/edit/", views.activity_edit, name="edit"),
    path("<id:pk>/complete/", views.activity_complete, name="complete"),
    path("<id:pk>/delete/", views.activity_delete, name="delete"),
    path("party/<id:pk>/", views.party_tab, name="party"),
    path("calendar/", views.calendar, name="calendar"),
    path("<id:pk>/move/", views.calendar_move, name="move"),
    path("types/", views.types, name="types"),
    path("types/new/", views.type_edit, name="type_create"),
    path("types/<id:pk>/", views.type_edit, name="type_edit"),
    path("presets/", views.presets, name="presets"),
    path("presets/new/", views.preset_edit, name="preset_create"),
    path("presets/<id:pk>/", views.preset_edit, name="preset_edit"),
    path("trash/", views.trash, name="trash"),
    path("trash/<id:pk>/restore/", views.trash_restore, name="restore"),
    path("calendar-feed/", views.feed_page, name="feed_page"),
    path("feed/<str:secret>.ics", views.feed, name="feed"),
]
