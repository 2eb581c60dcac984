from django.urls import path

from . import accounts, parties
from .base import api

api.add_router("", accounts.router)
api.add_router("", parties.router)

urlpatterns = [path("", api.urls)]
