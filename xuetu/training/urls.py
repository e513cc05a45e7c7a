from django.urls import path

from xuetu.core.urls import actions
from xuetu.training import views, views_calendar, views_reviews

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
