"""Pages, API lists and PDFs, as the people who use them see them."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from suite.config import log
from suite.data import Data
from suite.measure import get_ok
from suite.scenarios import Bench


def measure_pages(bench: Bench, data: Data, *, full: bool) -> None:
    world = data.world
    bureau, enterprise = world.client("bureau"), world.client("enterprise")
    measure_cohort_lists(bench, data, bureau, enterprise, full=full)
    measure_api(bench, data, full=full)
    measure_cohort_detail(bench, data, bureau, enterprise, full=full)
    measure_audit(bench, bureau, full=full)


def measure_cohort_lists(
    bench: Bench, data: Data, bureau: Any, enterprise: Any, *, full: bool
) -> None:
    from xuetu.programmes.models import Cohort

    log("1. cohort list /programmes/cohorts/")
    everyone = f"{Cohort.objects.count():,} classes"
    own = f"{Cohort.objects.filter(enterprise=data.world.enterprise).count():,} classes"
    url = "/programmes/cohorts/"
    label = "Cohort list (city bureau)"
    bench.record("cohort_list_bureau", label, get_ok(bureau, url), full=full, size=everyone)
    label = "Cohort list (enterprise manager)"
    bench.record("cohort_list_enterprise", label, get_ok(enterprise, url), full=full, size=own)


def api_page(client: Any, page: int, expected: int | None) -> Callable[[], Any]:
    """A page of the enrollment API, whose `count` must be `expected` (when given)."""
    url = "/api/v1/enrollments/" + (f"?page={page}" if page > 1 else "")
    fetch = get_ok(client, url)

    def run() -> Any:
        response = fetch()
        count = response.json()["count"]
        if expected is not None and count != expected:
            raise RuntimeError(f"{url} counted {count}, expected {expected}")
        return response

    return run


def measure_api(bench: Bench, data: Data, *, full: bool) -> None:
    from xuetu.programmes.models import Enrollment

    log("2. enrollment API /api/v1/enrollments/")
    world = data.world
    bureau, enterprise = world.api("bureau"), world.api("enterprise")
    enrollments = Enrollment.objects.count()
    pages = math.ceil(enrollments / 50)
    middle = max(1, (pages + 1) // 2)
    visible = Enrollment.objects.filter(cohort__enterprise=world.enterprise).count()
    for key, label, run, size in (
        (
            "api_enrollments_first",
            "API enrollments, page 1 (city bureau)",
            api_page(bureau, 1, enrollments),
            f"{enrollments:,} enrollments",
        ),
        (
            "api_enrollments_middle",
            "API enrollments, middle page (city bureau)",
            api_page(bureau, middle, enrollments),
            f"page {middle} of {pages}",
        ),
        (
            "api_enrollments_enterprise",
            "API enrollments, page 1 (enterprise)",
            api_page(enterprise, 1, None),
            f"{visible:,} visible",
        ),
    ):
        bench.record(key, label, run, full=full, size=size)


def measure_cohort_detail(
    bench: Bench, data: Data, bureau: Any, enterprise: Any, *, full: bool
) -> None:
    from xuetu.programmes.models import Enrollment

    log("3. cohort detail")
    url = f"/programmes/cohorts/{data.detail.pk}/"
    size = f"{Enrollment.objects.filter(cohort=data.detail).count()} on roster"
    label = "Cohort detail (enterprise manager)"
    bench.record("cohort_detail_enterprise", label, get_ok(enterprise, url), full=full, size=size)
    label = "Cohort detail (city bureau)"
    bench.record("cohort_detail_bureau", label, get_ok(bureau, url), full=full, size=size)


def measure_audit(bench: Bench, bureau: Any, *, full: bool) -> None:
    from xuetu.core.models import AuditEvent

    log("6. audit log /audit/")
    events = AuditEvent.objects.count()
    pages = math.ceil(events / 50)
    middle = max(1, (pages + 1) // 2)
    first, label = get_ok(bureau, "/audit/"), "Audit log, page 1 (city bureau)"
    bench.record("audit_first", label, first, full=full, size=f"{events:,} events")
    url = f"/audit/?page={middle}" if middle > 1 else "/audit/"
    label = "Audit log, middle page (city bureau)"
    size = f"page {middle} of {pages}"
    bench.record("audit_middle", label, get_ok(bureau, url), full=full, size=size)


def pdf(render: Callable[[Any], bytes], obj: Any) -> Callable[[], bytes]:
    def run() -> bytes:
        content = render(obj)
        if not content.startswith(b"%PDF"):
            raise RuntimeError("not a PDF")
        return content

    return run


def measure_pdfs(bench: Bench, data: Data, *, full: bool) -> None:
    from xuetu.programmes.documents import appointment_pdf, filing_form_pdf
    from xuetu.programmes.models import Enrollment

    log("5. PDFs")
    roster = Enrollment.objects.filter(cohort=data.detail).count()
    reps = bench.args.slow_reps if full else 1
    run = pdf(filing_form_pdf, data.detail)
    size = f"{roster} rows"
    scenario = bench.record(
        "filing_form_pdf", "Filing form PDF", run, full=full, size=size, kind="pdf", reps=reps
    )
    if scenario is not None and full:
        scenario.extra["bytes"] = len(filing_form_pdf(data.detail))
    run = pdf(appointment_pdf, data.appointment)
    label = "Appointment letter PDF"
    bench.record("appointment_pdf", label, run, full=full, size="1 letter", kind="pdf", reps=reps)
