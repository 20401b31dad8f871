from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from exercises.views import public

urlpatterns = [
    path("accounts/login/", public.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The admin's own login would bypass the rate limit: send it through ours.
    path("admin/login/", public.LoginView.as_view(), name="admin_login"),
    path("admin/", admin.site.urls),
    path("", include("exercises.urls")),
]

handler404 = "exercises.views.errors.not_found"
handler500 = "exercises.views.errors.server_error"
