from django.contrib.auth import views as auth_views
from django.urls import path

from xuetu.accounts import views

app_name = "accounts"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        views.PasswordChange.as_view(),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_done.html"),
        name="password_change_done",
    ),
    path("token/", views.TokenPage.as_view(), name="token"),
    path("tokens/", views.TokenList.as_view(), name="token_list"),
    path("lockouts/", views.LockoutList.as_view(), name="lockout_list"),
]
