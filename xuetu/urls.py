from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog, set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from xuetu.accounts.activate_views import ActivatePage
from xuetu.certification import api as certification_api
from xuetu.programmes import api as programmes_api
from xuetu.project.views import HomeView
from xuetu.registry import api as registry_api
from xuetu.subsidies import api as subsidies_api
from xuetu.training import api as training_api

router = DefaultRouter()
router.register("districts", registry_api.DistrictViewSet, basename="district")
router.register("chains", registry_api.IndustryChainViewSet, basename="industrychain")
router.register("occupations", registry_api.OccupationViewSet, basename="occupation")
router.register("enterprises", registry_api.EnterpriseViewSet, basename="enterprise")
router.register("institutions", registry_api.InstitutionViewSet, basename="institution")
router.register("people", registry_api.PersonViewSet, basename="person")
programmes_api.register(router)
certification_api.register(router)
training_api.register(router)
subsidies_api.register(router)


@login_not_required
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("accounts/", include("xuetu.accounts.urls")),
    path("registry/", include("xuetu.registry.urls")),
    path("programmes/", include("xuetu.programmes.urls")),
    path("certification/", include("xuetu.certification.urls")),
    path("training/", include("xuetu.training.urls")),
    path("subsidies/", include("xuetu.subsidies.urls")),
    path("public/notices/", include("xuetu.subsidies.public_urls")),
    path("", include("xuetu.core.public_urls")),
    path("activate/", login_not_required(ActivatePage.as_view()), name="activate"),
    path("", include("xuetu.core.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("jsi18n/", login_not_required(JavaScriptCatalog.as_view()), name="javascript-catalog"),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
]

# Error pages in the reader's language, with navigation and the refusal's reason (issue 8/10).
handler400 = "xuetu.core.errors.bad_request"
handler403 = "xuetu.core.errors.permission_denied"
handler404 = "xuetu.core.errors.page_not_found"
handler500 = "xuetu.core.errors.server_error"
