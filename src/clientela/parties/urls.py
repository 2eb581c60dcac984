from django.urls import path

from . import views

app_name = "parties"
urlpatterns = [
    path("", views.party_list, name="list"),
    path("customers/", views.party_list, {"role": "customers"}, name="customers"),
    path("suppliers/", views.party_list, {"role": "suppliers"}, name="suppliers"),
    path("new/", views.party_create, name="create"),
    path("<int:pk>/", views.party_detail, name="detail"),
    path("<int:pk>/edit/", views.party_edit, name="edit"),
    path("<int:pk>/delete/", views.party_delete, name="delete"),
    path("<int:pk>/history/", views.party_history, name="history"),
    path("trash/", views.trash, name="trash"),
    path("trash/<int:pk>/restore/", views.trash_restore, name="restore"),
    path("trash/<int:pk>/purge/", views.trash_purge, name="purge"),
]
