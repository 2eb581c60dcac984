from django.urls import path

from . import accounts, activities, parties
from .base import api

api.add_router("", accounts.me_router)
api.add_router("", accounts.users_router)
api.add_router("", accounts.units_router)
api.add_router("", parties.router)
api.add_router("", activities.router)
api.add_router("", activities.catalogue_router)

urlpatterns = [path("", api.urls)]
