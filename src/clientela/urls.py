from django.urls import include, path

urlpatterns = [
    path("", include("clientela.web.urls")),
    path("accounts/", include("clientela.accounts.urls")),
    path("parties/", include("clientela.parties.urls")),
    path("activities/", include("clientela.activities.urls")),
    path("api/v1/", include("clientela.api.urls")),
]

handler403 = "clientela.web.views.permission_denied"
handler404 = "clientela.web.views.page_not_found"
