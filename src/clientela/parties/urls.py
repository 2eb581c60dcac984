from django.urls import path

from clientela.core import converters  # noqa: F401 - registers <id:…>

from . import views

app_name = "parties"
urlpatterns = [
    path("", views.party_list, name="list"),
    path("customers/", views.party_list, {"role": "customers"}, name="customers"),
    path("suppliers/", views.party_list, {"role": "suppliers"}, name="suppliers"),
    path("count/", views.party_count, name="count"),
    path("new/", views.party_create, name="create"),
    path("<id:pk>/", views.party_detail, name="detail"),
    path("<id:pk>/edit/", views.party_edit, name="edit"),
    path("<id:pk>/delete/", views.party_delete, name="delete"),
    path("<id:pk>/history/", views.party_history, name="history"),
    path("<id:pk>/timeline/", views.party_timeline, name="timeline"),
    path("trash/", views.trash, name="trash"),
    path("trash/<id:pk>/restore/", views.trash_restore, name="restore"),
    path("trash/<id:pk>/purge/", views.trash_purge, name="purge"),
]
