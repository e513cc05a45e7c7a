"""Public pages: verification of appointment letters (and later certificates)."""

from django.urls import path

from xuetu.programmes import public_views

app_name = "public"

urlpatterns = [
    path("verify/", public_views.verify, name="verify"),
    path("verify/<str:number>/", public_views.verify_number, name="verify_number"),
]
