from django.urls import path

from xuetu.core.urls import actions
from xuetu.training import views, views_assessments

app_name = "training"

urlpatterns = [
    path("classes/<id:pk>/plan/", views.CohortPlan.as_view(), name="cohort_plan"),
    path("classes/<id:pk>/plan/start/", views.PlanStart.as_view(), name="plan_start"),
    path("plans/<id:pk>/edit/", views.PlanEdit.as_view(), name="plan_edit"),
    path("plans/<id:pk>/modules/new/", views.ModuleAdd.as_view(), name="module_add"),
    path("modules/<id:pk>/", views.ModuleDetail.as_view(), name="module_detail"),
    path("modules/<id:pk>/edit/", views.ModuleEdit.as_view(), name="module_edit"),
    *actions(
        "modules",
        "module",
        {"remove": views.ModuleRemove, "up": views.ModuleUp, "down": views.ModuleDown},
    ),
    # Assessments (views_assessments)
    path(
        "classes/<id:pk>/assessments/",
        views_assessments.AssessmentSheet.as_view(),
        name="cohort_assessments",
    ),
    path(
        "classes/<id:pk>/assessments/record/",
        views_assessments.AssessmentRecord.as_view(),
        name="assessment_record",
    ),
    path(
        "assessments/<id:pk>/",
        views_assessments.AssessmentDetail.as_view(),
        name="assessment_detail",
    ),
    path(
        "assessments/<id:pk>/edit/",
        views_assessments.AssessmentCorrect.as_view(),
        name="assessment_edit",
    ),
]
