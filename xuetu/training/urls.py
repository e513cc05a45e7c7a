from django.urls import path

from xuetu.core.urls import actions
from xuetu.training import (
    views,
    views_assessments,
    views_calendar,
    views_registers,
    views_reviews,
)

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
    # Registers and hours (views_registers)
    path("classes/<id:pk>/register/", views_registers.RegisterRecord.as_view(), name="register"),
    path("classes/<id:pk>/hours/", views_registers.ClassHours.as_view(), name="cohort_hours"),
    path("classes/<id:pk>/progress/", views_registers.ClassProgress.as_view(), name="progress"),
    path("classes/<id:pk>/disputes/", views_registers.ClassDisputes.as_view(), name="disputes"),
    path("sessions/<id:pk>/", views_registers.SessionDetail.as_view(), name="session_detail"),
    path("sessions/<id:pk>/evidence/", views_registers.EvidenceAdd.as_view(), name="evidence_add"),
    path(
        "evidence/<id:pk>/download/",
        views_registers.EvidenceDownload.as_view(),
        name="evidence_download",
    ),
    path("hours/<id:pk>/", views_registers.HoursDetail.as_view(), name="hours_detail"),
    *actions(
        "hours",
        "hours",
        {
            "confirm": views_registers.HoursConfirm,
            "dispute": views_registers.HoursDispute,
            "resolve": views_registers.HoursResolve,
            "correct": views_registers.HoursCorrect,
        },
    ),
    path("my-hours/", views_registers.MyHours.as_view(), name="my_hours"),
    path("my-hours/confirm-all/", views_registers.ConfirmAll.as_view(), name="confirm_all"),
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
    # Work–study calendar and three-party reviews (calreview)
    path(
        "classes/<id:pk>/calendar/", views_calendar.CohortCalendar.as_view(), name="cohort_calendar"
    ),
    path(
        "enrollments/<id:pk>/calendar/",
        views_calendar.EnrollmentCalendar.as_view(),
        name="enrollment_calendar",
    ),
    path("classes/<id:pk>/blocks/new/", views_calendar.BlockAdd.as_view(), name="block_add"),
    path("blocks/<id:pk>/", views_calendar.BlockDetail.as_view(), name="block_detail"),
    path("blocks/<id:pk>/edit/", views_calendar.BlockEdit.as_view(), name="block_edit"),
    *actions("blocks", "block", {"remove": views_calendar.BlockRemove}),
    path("classes/<id:pk>/reviews/", views_reviews.CohortReviews.as_view(), name="cohort_reviews"),
    path("reviews/overdue/", views_reviews.OverdueReviews.as_view(), name="review_overdue"),
    path(
        "enrollments/<id:pk>/reviews/new/",
        views_reviews.ReviewStart.as_view(),
        name="review_start",
    ),
    path("reviews/<id:pk>/", views_reviews.ReviewDetail.as_view(), name="review_detail"),
    path("reviews/<id:pk>/edit/", views_reviews.ReviewEdit.as_view(), name="review_edit"),
    *actions("reviews", "review", {"sign": views_reviews.ReviewSign}),
]
