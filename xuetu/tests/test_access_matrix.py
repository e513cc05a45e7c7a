"""The access matrix, generated from the access tables (core.access): every route, page and
API, as every persona — the roles of the owning enterprise (manager, mentor, apprentice), its
partner institution (confirmed agreement), its district's reviewer, another enterprise, the
city bureau, and anonymous.

For an object route the expected answer comes from the model's table: 404 when the persona
does not reach the object for `view`, 403 when it does but the route's action (`change`,
`review`, `run`, `filing`…) is not theirs, and otherwise the page or the answer. For a list
route the rows shown are exactly the rows the table gives. A route this test cannot place
(no model, no action, not in the table of other routes below) fails it: a new route needs an
entry before it ships."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin

import pytest
from django.core.files.base import ContentFile
from django.db import models, transaction

from xuetu.core.access import CHANGE, VIEW, ScopedQuerySet, can
from xuetu.core.jobs import job_create, job_run
from xuetu.core.views import ScopedListView, ScopedMixin, detail_url
from xuetu.programmes.choices import CohortStatus
from xuetu.programmes.tests.factories import build_programme, owned_programme_objects
from xuetu.tests.test_url_walk import all_routes, fill, has_params

pytestmark = pytest.mark.django_db

PERSONAS = ("enterprise", "mentor", "apprentice", "school", "district", "enterprise2", "bureau")

# Routes that are neither an object's nor a list of a model's rows, each with what it is.
OTHER_ROUTES = {
    "home": "the home page: panels each read through for_user",
    "accounts:login": "public",
    "accounts:logout": "one's own session",
    "accounts:password_change": "one's own password",
    "accounts:password_change_done": "one's own password",
    "public:verify": "public verification (core.verify)",
    "public:verify_number": "public verification (core.verify)",
    "core:export_start": "starts an export of a list; the export reads for_user (below)",
    "programmes:notice_list": "one's own notices (Notice's table)",
    "set_language": "one's own language",
    "javascript-catalog": "translations",
    "api-root": "the API's index",
    "api-schema": "public",
    "api-docs": "public",
    "healthz": "public",
    "accounts:token": "one's own API token",
    "programmes:account_home": "leads a manager to their own organisation's accounts page",
    "activate": "public: a person's one-time activation code (throttled per address)",
    "training:my_hours": "one's own hours, and one's apprentices' to confirm (Hours' table)",
    "training:confirm_all": "confirms what the Hours table lets one confirm (a POST)",
    "notices:list": "public: the subsidy notices on display (masked names, no ID numbers)",
    "notices:detail": "public: one subsidy notice (masked names, no ID numbers)",
    "notices:pdf": "public: one subsidy notice as PDF (masked names, no ID numbers)",
    "notices:xlsx": "public: one subsidy notice as Excel (masked names, no ID numbers)",
}
# Pages for the city bureau alone: every other persona is refused.
CITY_ROUTES = {
    "core:audit_list",
    "accounts:token_list",
    "accounts:lockout_list",
    "subsidies:finance_export",
    # The register of who was subsidised (ID numbers, masked): the city's alone, no row pages.
    "subsidies:grant_list",
}
FUNCTION_ROUTES = {"core:job_detail": ("core.job", VIEW), "core:job_download": ("core.job", VIEW)}
API_ACCESS = {"retrieve": VIEW, "update": CHANGE, "partial_update": CHANGE}


@pytest.fixture
def objects(world) -> dict[str, models.Model]:
    from xuetu.registry.models import IndustryChain, IndustryCluster

    programme = build_programme(world, status=CohortStatus.SUBMITTED)
    user = world.users["enterprise"]
    cluster = IndustryCluster.objects.create(code="matrix", name="矩阵集群", name_en="Matrix")
    chain = IndustryChain.objects.create(
        code="matrix-chain", name="矩阵产业链", name_en="Matrix chain", cluster=cluster
    )
    # A signed scan, so its download answers (a pdf: what the upload check accepts).
    programme.agreement.scan.save("scan.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    return {
        "registry.industrycluster": cluster,
        "registry.industrychain": chain,
        "registry.enterprise": world.enterprise,
        "registry.institution": world.institution,
        "registry.person": world.people["apprentice"],
        "accounts.district": world.jiangbei,
        "accounts.organisation": world.enterprise.organisation_ptr,
        "core.job": job_run(job_create(by=user, kind="export", params={"list": "person"})),
        "registry.occupation": programme.occupation,
        **owned_programme_objects(programme),
        "certification.certificate": certificate_of(world, programme),
        **training_objects(programme),
        "subsidies.subsidypolicy": subsidy_policy(),
        **subsidy_objects(world),
    }


def subsidy_objects(world) -> dict[str, models.Model]:
    """A paid advance, a settlement with its refund obligation, its notice and an objection."""
    from xuetu.subsidies.tests.factories_pages import owned_subsidy_objects

    return owned_subsidy_objects(world)


def subsidy_policy() -> models.Model:
    """The city's subsidy policy: shared reference data every signed-in user reads."""
    from xuetu.subsidies.tests.factories_subrules import make_policy

    return make_policy()


def certificate_of(world, programme) -> models.Model:
    """The apprentice's certificate, recorded by the institution teaching the class, with a
    scan so its download answers."""
    from xuetu.certification.tests.factories import make_certificate

    certificate = make_certificate(world, programme, scan=True)
    return certificate


def training_objects(programme) -> dict[str, models.Model]:
    """The class's training plan and one of its modules."""
    from xuetu.training.tests.factories import owned_training_objects

    return owned_training_objects(programme)


def view_class(callback) -> Any:
    return getattr(callback, "view_class", None) or getattr(callback, "cls", None)


def page_route(name: str, callback) -> tuple[str, str] | None:
    """(model label, access) of a page route with an object."""
    if name in FUNCTION_ROUTES:
        return FUNCTION_ROUTES[name]
    view = view_class(callback)
    if view is not None and issubclass(view, ScopedMixin):
        return view.model._meta.label_lower, view.access
    return None


def api_routes(callback) -> list[tuple[str, str, str]]:
    """(method, model label, access) of each method of an API route with an object."""
    viewset = callback.cls
    label = viewset.model._meta.label_lower
    found = []
    for method, action in callback.actions.items():
        if action == "destroy":
            continue  # not served: 405 (test_url_walk)
        handler = getattr(viewset, action)
        access = API_ACCESS.get(action) or getattr(handler, "kwargs", {}).get("access") or VIEW
        found.append((method, label, access))
    return found


def expected(user, obj: models.Model, access: str) -> int:
    manager = type(obj)._default_manager.all()
    assert isinstance(manager, ScopedQuerySet)
    if not manager.for_user(user).filter(pk=obj.pk).exists():
        return 404
    if access != VIEW and not can(user, access, obj):
        return 403
    return 200


def answer(client, method: str, url: str) -> int:
    """The status of one request, whatever it changes rolled back."""
    with transaction.atomic():
        send = getattr(client, method)
        response = send(url, {}, format="json") if method != "get" else send(url)
        transaction.set_rollback(True)
    return response.status_code


def allowed(status: int, method: str) -> bool:
    """An answer past the access check: the page, a redirect after it, or the service's own
    refusal of the request (a wrong state is 409, a missing field 400)."""
    return status in (200, 302) if method == "get" else status in (200, 400, 409)


def test_every_object_route_answers_each_persona_as_the_access_table_says(world, objects):
    checked = 0
    for pattern, name, callback in all_routes():
        if not has_params(pattern) or name in OTHER_ROUTES or "<slug:kind>" in pattern:
            continue
        is_api = pattern.startswith("api/")
        if is_api:
            routes = api_routes(callback)
        else:
            placed = page_route(name, callback)
            assert placed, f"{name}: no model and access; add the route to this test's tables"
            routes = [("get", *placed)]
        for method, label, access in routes:
            obj = objects.get(label)
            assert obj is not None, f"{name}: no object of {label} in the fixture"
            url = fill(pattern, str(obj.pk))
            for persona in PERSONAS:
                user = world.users[persona]
                client = world.api(persona) if is_api else world.client(persona)
                want = expected(user, obj, access)
                got = answer(client, method, url)
                where = f"{method.upper()} {url} ({name}, {access}) as {persona}"
                if want == 200:
                    assert allowed(got, method), f"{where}: {got}, the table allows it"
                else:
                    assert got == want, f"{where}: {got}, the table says {want}"
                checked += 1
    assert checked >= 80 * len(PERSONAS) // 2


LINK = re.compile(r'href="([^"?#]*)"')


def test_every_list_shows_exactly_the_rows_the_access_table_gives(world, objects):
    # A second row of every kind, of the other enterprise: a list must leave it out.
    build_programme_for_other(world)
    checked = 0
    for pattern, name, route in all_routes():
        if has_params(pattern) or name in OTHER_ROUTES or name in CITY_ROUTES:
            continue
        callback: Any = route
        view = view_class(callback)
        is_api = pattern.startswith("api/")
        if is_api:
            if callback.actions.get("get") != "list":
                continue  # a create-only route: none
            model = view.model
        elif view is not None and issubclass(view, ScopedListView):
            model = view.model
        elif view is not None and issubclass(view, ScopedMixin):
            continue  # a create page: no rows (403 or a form, test_url_walk)
        else:
            pytest.fail(f"{name}: not a list the test knows; add it to OTHER_ROUTES or fix it")
        url = fill(pattern, "x")
        for persona in PERSONAS:
            user = world.users[persona]
            want = set(model._default_manager.for_user(user).values_list("pk", flat=True))
            if is_api:
                response = world.api(persona).get(url, {"page_size": 500})
                assert response.status_code == 200, f"{url} as {persona}"
                body = response.json()
                got = {row["id"] for row in body.get("results", body)}
            else:
                response = world.client(persona).get(url)
                assert response.status_code in (200, 403), f"{url} as {persona}"
                if response.status_code == 403:
                    got = set()
                else:
                    links = {urljoin(url, h) for h in LINK.findall(response.content.decode())}
                    namespace = name.partition(":")[0]
                    got = {
                        obj.pk
                        for obj in model._default_manager.all()
                        if detail_url(obj, namespace, view.url_name) in links
                    }
            assert got == want, f"{url} ({name}) as {persona}: {sorted(got)} != {sorted(want)}"
            checked += 1
    assert checked >= 15 * len(PERSONAS)


def build_programme_for_other(world) -> None:
    from xuetu.programmes.tests.factories import (
        make_agreement,
        make_cohort,
        make_enrollment,
        make_mentor,
        make_person,
    )

    agreement = make_agreement(world, enterprise=world.enterprise2)
    cohort = make_cohort(world, enterprise=world.enterprise2, agreement=agreement)
    mentor = make_mentor(world, organisation=world.enterprise2)
    make_enrollment(
        world,
        cohort,
        person=make_person("别家学徒", organisation=world.enterprise2),
        enterprise_mentor=mentor,
    )


def test_the_city_bureaus_own_pages_refuse_every_other_persona(world):
    names = {name for _, name, _ in all_routes()}
    for pattern, name, _callback in all_routes():
        if name not in CITY_ROUTES:
            continue
        url = fill(pattern, "x")
        for persona in PERSONAS:
            status = world.client(persona).get(url).status_code
            assert status == (200 if persona == "bureau" else 403), (url, persona, status)
    assert names >= CITY_ROUTES


def test_anonymous_users_reach_no_object_route(client, objects):
    for pattern, name, _callback in all_routes():
        if not has_params(pattern) or name in OTHER_ROUTES or "<slug:kind>" in pattern:
            continue
        url = fill(pattern, "1")
        status = client.get(url).status_code
        assert status in ((401, 403, 405) if url.startswith("/api/") else (302,)), (url, status)
