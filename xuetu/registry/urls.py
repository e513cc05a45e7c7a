from xuetu.core.urls import actions, crud
from xuetu.registry import views

app_name = "registry"


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

# The bureau's facts (name, USCC, district): the enterprise asks, the bureau decides.
urlpatterns += actions(
    "enterprises",
    "enterprise",
    {
        "request_change": views.EnterpriseRequestChange,
        "change_request": views.EnterpriseChangeRequest,
        "grant_change": views.EnterpriseGrantChange,
        "refuse_change": views.EnterpriseRefuseChange,
        "withdraw_change": views.EnterpriseWithdrawChange,
    },
)
