from django.urls import path

from xuetu.registry import views

app_name = "registry"


def crud(prefix: str, name: str, list_view, detail, create, edit) -> list:
    return [
        path(f"{prefix}/", list_view.as_view(), name=f"{name}_list"),
        path(f"{prefix}/new/", create.as_view(), name=f"{name}_create"),
        path(f"{prefix}/<int:pk>/", detail.as_view(), name=f"{name}_detail"),
        path(f"{prefix}/<int:pk>/edit/", edit.as_view(), name=f"{name}_edit"),
    ]


urlpatterns = [
    *crud(
        "districts",
        "district",
        views.DistrictList,
        views.DistrictDetail,
        views.DistrictCreate,
        views.DistrictEdit,
    ),
    *crud(
        "clusters",
        "industrycluster",
        views.IndustryClusterList,
        views.IndustryClusterDetail,
        views.IndustryClusterCreate,
        views.IndustryClusterEdit,
    ),
    *crud(
        "chains",
        "industrychain",
        views.IndustryChainList,
        views.IndustryChainDetail,
        views.IndustryChainCreate,
        views.IndustryChainEdit,
    ),
    *crud(
        "occupations",
        "occupation",
        views.OccupationList,
        views.OccupationDetail,
        views.OccupationCreate,
        views.OccupationEdit,
    ),
    *crud(
        "enterprises",
        "enterprise",
        views.EnterpriseList,
        views.EnterpriseDetail,
        views.EnterpriseCreate,
        views.EnterpriseEdit,
    ),
    *crud(
        "institutions",
        "institution",
        views.InstitutionList,
        views.InstitutionDetail,
        views.InstitutionCreate,
        views.InstitutionEdit,
    ),
    *crud(
        "people",
        "person",
        views.PersonList,
        views.PersonDetail,
        views.PersonCreate,
        views.PersonEdit,
    ),
]
