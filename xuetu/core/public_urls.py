"""Public pages: verification of every registered kind of numbered document."""

from django.urls import path

from xuetu.core import verify

app_name = "public"

urlpatterns = [
    path("verify/", verify.verify, name="verify"),
    path("verify/<str:number>/", verify.verify_number, name="verify_number"),
]
