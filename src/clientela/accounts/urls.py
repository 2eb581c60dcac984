from django.urls import path

from clientela.core import converters  # noqa: F401 - registers <id:…>

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("language/", views.set_language, name="set_language"),
    path("profile/", views.profile, name="profile"),
    path("password/", views.password_change, name="password"),
    path("password/forgot/", views.password_reset, name="password_reset"),
    path("password/forgot/sent/", views.PasswordResetDone.as_view(), name="password_reset_done"),
    path(
        "password/forgot/done/",
        views.PasswordResetComplete.as_view(),
        name="password_reset_complete",
    ),
    path(
        "password/reset/<path:link>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/revoke-all/", views.tokens_revoke_all, name="tokens_revoke_all"),
    path("tokens/<id:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("unit/", views.switch_unit, name="switch_unit"),
    path("users/", views.users, name="users"),
    path("users/new/", views.user_edit, name="user_create"),
    path("users/<id:pk>/", views.user_edit, name="user_edit"),
    path("units/", views.units, name="units"),
    path("units/new/", views.unit_edit, name="unit_create"),
    path("units/<id:pk>/", views.unit_edit, name="unit_edit"),
]
