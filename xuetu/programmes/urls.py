from django.urls import path

from xuetu.core.urls import actions, crud  # and the <id:…> converter
from xuetu.programmes import views
from xuetu.programmes.views import people_accounts

app_name = "programmes"


urlpatterns = [
    *crud(
        "agreements",
        "agreement",
        views.AgreementList,
        views.AgreementDetail,
        views.AgreementCreate,
        views.AgreementEdit,
    ),
    path("agreements/<id:pk>/confirm/", views.AgreementConfirm.as_view(), name="agreement_confirm"),
    path("agreements/<id:pk>/scan/", views.AgreementScan.as_view(), name="agreement_scan"),
    *crud(
        "mentors",
        "mentor",
        views.MentorList,
        views.MentorDetail,
        views.MentorCreate,
        views.MentorEdit,
    ),
    path("mentors/<id:pk>/appoint/", views.MentorAppoint.as_view(), name="mentor_appoint"),
    path("appointments/<id:pk>/pdf/", views.AppointmentPdf.as_view(), name="appointment_pdf"),
    *crud(
        "cohorts",
        "cohort",
        views.CohortList,
        views.CohortDetail,
        views.CohortCreate,
        views.CohortEdit,
    ),
    *actions(
        "cohorts",
        "cohort",
        {
            "submit": views.CohortSubmit,
            "approve": views.CohortApprove,
            "return": views.CohortReturn,
            "reject": views.CohortReject,
            "withdraw": views.CohortWithdraw,
            "start": views.CohortStart,
            "complete": views.CohortComplete,
            "close": views.CohortClose,
        },
    ),
    path(
        "cohorts/<id:pk>/roster/import/",
        views.CohortRosterImport.as_view(),
        name="cohort_roster_import",
    ),
    path(
        "cohorts/<id:pk>/roster/template/",
        views.CohortRosterTemplate.as_view(),
        name="cohort_roster_template",
    ),
    path("cohorts/<id:pk>/roster/add/", views.EnrollmentAdd.as_view(), name="enrollment_create"),
    path("cohorts/<id:pk>/filing-form/", views.CohortFilingPdf.as_view(), name="cohort_filing_pdf"),
    path("enrollments/<id:pk>/", views.EnrollmentDetail.as_view(), name="enrollment_detail"),
    *actions(
        "enrollments",
        "enrollment",
        {
            "withdraw": views.EnrollmentWithdraw,
            "pause": views.EnrollmentPause,
            "resume": views.EnrollmentResume,
            "complete": views.EnrollmentComplete,
            "change_mentor": views.EnrollmentChangeMentor,
            "transfer": views.EnrollmentTransfer,
            "substitute": views.EnrollmentSubstitute,
        },
    ),
    *actions(
        "cohorts",
        "cohort",
        {
            "mentor_ratio": views.CohortMentorRatio,
            "early_start": views.CohortEarlyStart,
            "early_completion": views.CohortEarlyCompletion,
        },
    ),
    path(
        "enrollments/<id:pk>/reverse/", views.EnrollmentReverse.as_view(), name="enrollment_reverse"
    ),
    path(
        "people/<id:pk>/retirement-age/",
        views.PersonRetirementTrack.as_view(),
        name="person_retirement_track",
    ),
    path("notices/", views.NoticeList.as_view(), name="notice_list"),
    path("accounts/", people_accounts.accounts_home, name="account_home"),
    path(
        "organisations/<id:pk>/accounts/",
        people_accounts.AccountList.as_view(),
        name="account_list",
    ),
    path(
        "cohorts/<id:pk>/accounts/",
        people_accounts.CohortAccounts.as_view(),
        name="cohort_accounts",
    ),
    # Supporting documents on a filing (views.supporting).
    path(
        "cohorts/<id:pk>/documents/request/",
        views.DocumentRequestCreate.as_view(),
        name="cohort_document_request",
    ),
    path(
        "cohorts/<id:pk>/documents/attach/",
        views.SupportingDocumentAttach.as_view(),
        name="cohort_document_attach",
    ),
    path(
        "document-requests/<id:pk>/withdraw/",
        views.DocumentRequestWithdraw.as_view(),
        name="document_request_withdraw",
    ),
    path(
        "documents/<id:pk>/",
        views.SupportingDocumentDownload.as_view(),
        name="supporting_document_download",
    ),
]
