"""Walk every route as an outsider. Any route with an object id must answer 404 for another
organisation's object; routes without one must not show it; only the routes named in
PUBLIC_URL_NAMES answer without signing in."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

from xuetu.core.access import PUBLIC_URL_NAMES
from xuetu.core.ids import MAX_ID
from xuetu.core.jobs import job_create
from xuetu.core.models import AuditEvent

SKIPPED_NAMESPACES = {"admin"}  # Django's admin: staff only, its own permission system


def walk(patterns, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str, object]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if ns in SKIPPED_NAMESPACES:
                continue
            nested = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else ns
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), nested)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name or ""
            yield prefix + str(entry.pattern), name, entry.callback


def view_model(callback):
    view = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    model = getattr(view, "model", None)
    if view is not None and model is None and getattr(view, "queryset", None) is not None:
        model = view.queryset.model
    return model


def fill(pattern: str, value: str) -> str:
    """A concrete path from a route pattern, with every parameter set to `value`."""
    path = pattern.replace("^", "").replace("$", "")
    path = re.sub(r"\(\?P<\w+>[^)]*\)", value, path)
    path = re.sub(r"<(?:\w+:)?\w+>", value, path)
    return "/" + path.replace("\\.", ".").replace("\\", "")


def has_params(pattern: str) -> bool:
    return "<" in pattern


def all_routes() -> list[tuple[str, str, object]]:
    # DRF's `.json` suffix variants repeat the same views.
    return [r for r in walk(get_resolver().url_patterns) if "format>" not in r[0]]


def is_shared(model) -> bool:
    return model is not None and getattr(model._default_manager.all(), "shared", False)


@pytest.fixture
def owned(world):
    """One object of every tenant-owned kind, belonging to `enterprise`."""
    from xuetu.programmes.tests.factories import build_programme, owned_programme_objects

    user = world.users["enterprise"]
    from xuetu.certification.tests.factories import make_certificate
    from xuetu.subsidies.tests.factories_pages import owned_subsidy_objects
    from xuetu.training.tests.factories import owned_training_objects

    job = job_create(by=user, kind="export", params={"list": "person"})
    programme = build_programme(world)
    return {
        "registry.enterprise": world.enterprise,
        "registry.person": world.people["worker"],
        "accounts.organisation": world.enterprise,
        "core.job": job,
        **owned_programme_objects(programme),
        "certification.certificate": make_certificate(world, programme, scan=True),
        **owned_training_objects(programme),
        **owned_subsidy_objects(world),
    }


FUNCTION_ROUTES = {
    "core:job_detail": "core.job",
    "core:job_download": "core.job",
}


def owned_object(name: str, callback, owned):
    model = view_model(callback)
    label = model._meta.label_lower if model else FUNCTION_ROUTES.get(name)
    if label is None:
        pytest.fail(f"route {name} takes an id but the URL walk does not know its object")
    return label, owned.get(label)


@pytest.mark.django_db
def test_another_organisations_objects_are_404_on_every_route(world, owned):
    client_pages = world.client("enterprise2")
    client_api = world.api("enterprise2")
    checked = 0
    for pattern, name, callback in all_routes():
        if not has_params(pattern) or name in PUBLIC_URL_NAMES:
            continue
        model = view_model(callback)
        if is_shared(model):
            continue  # shared data: every signed-in user reads it (edits: test below)
        if "<slug:kind>" in pattern:
            continue  # export/<kind>: a list name, not an object (covered below)
        label, obj = owned_object(name, callback, owned)
        assert obj is not None, f"no owned object for {label} ({name})"
        url = fill(pattern, str(obj.pk))
        client = client_api if url.startswith("/api/") else client_pages
        for method in ("get", "post", "put", "patch"):
            response = getattr(client, method)(url)
            assert response.status_code in (404, 405), (
                f"{method.upper()} {url} ({name}) answered {response.status_code}"
            )
        checked += 1
    assert checked >= 50  # every object route; a new one needs an owned object above


@pytest.mark.django_db
def test_list_routes_do_not_show_another_organisations_objects(world, owned):
    client_pages = world.client("enterprise2")
    client_api = world.api("enterprise2")
    secrets = [
        world.enterprise.name,
        world.enterprise.uscc,
        world.people["worker"].id_number,
        owned["programmes.cohort"].code,
        owned["programmes.cooperationagreement"].number,
        owned["programmes.appointment"].number,
        owned["programmes.enrollment"].person.id_number,
    ]
    for pattern, name, _callback in all_routes():
        if has_params(pattern) or name in PUBLIC_URL_NAMES or name == "healthz":
            continue
        url = fill(pattern, "x")
        client = client_api if url.startswith("/api/") else client_pages
        response = client.get(url)
        assert response.status_code in (200, 302, 403, 405), f"{url} -> {response.status_code}"
        body = response.content.decode(errors="replace")
        for secret in secrets:
            assert secret not in body, f"{url} ({name}) shows {secret!r} to an outsider"


@pytest.mark.django_db
def test_every_private_route_needs_a_signed_in_user(world, owned, client):
    for pattern, name, _ in all_routes():
        if name in PUBLIC_URL_NAMES:
            continue
        url = fill(pattern, "1")
        response = client.get(url)
        if url.startswith("/api/"):
            assert response.status_code in (401, 403), f"{url} -> {response.status_code}"
        else:
            assert response.status_code == 302, f"{url} ({name}) -> {response.status_code}"
            assert "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_public_routes_answer_without_signing_in(client):
    for url in ("/accounts/login/", "/api/schema/", "/api/docs/", "/healthz"):
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_the_audit_log_is_only_for_the_city_bureau(world):
    assert world.client("bureau").get("/audit/").status_code == 200
    for username in ("district", "enterprise", "school", "mentor", "apprentice"):
        assert world.client(username).get("/audit/").status_code == 403
    assert AuditEvent.objects.for_user(world.users["district"]).count() == 0


@pytest.mark.django_db
def test_every_public_route_is_named_in_the_public_list():
    """A view marked login_not_required must be declared public on purpose."""
    names = {name for _, name, _ in all_routes()}
    for pattern, name, callback in all_routes():
        if pattern.startswith("api/v1/"):
            continue  # DRF authenticates the API itself (401/403 above)
        if getattr(callback, "login_required", True) is False:
            assert name in PUBLIC_URL_NAMES, f"{name} answers without login but is not listed"
    assert {"accounts:login", "api-schema", "api-docs"} <= names


@pytest.mark.django_db
def test_shared_data_is_read_by_all_but_changed_only_by_its_owner(world):
    url = f"/registry/institutions/{world.institution.pk}/"
    assert world.client("enterprise2").get(url).status_code == 200
    assert world.client("enterprise2").get(url + "edit/").status_code == 403
    api = f"/api/v1/institutions/{world.institution.pk}/"
    assert world.api("enterprise2").patch(api, {"address": "x"}, format="json").status_code == 403
    assert world.client("school").get(url + "edit/").status_code == 200


# Ids in routes: 1 to 2^63 - 1, or the route does not match ---------------------------------------
PARAMETER = re.compile(r"\(\?P<(\w+)>[^)]*\)|<(?:\w+:)?(\w+)>")
NOT_IDS = (str(MAX_ID + 1), "9" * 25)  # past what a database can compare


def fill_one(pattern: str, name: str, value: str) -> str:
    """A concrete path with parameter `name` set to `value` and the others to 1."""
    return fill(PARAMETER.sub(lambda m: value if name in m.groups() else "1", pattern), "1")


def matches(url: str, pattern: str) -> bool:
    try:
        return resolve(url).route == pattern.replace("^", "")  # as Django joins the parts
    except Resolver404:
        return False


def test_every_route_parameter_that_takes_digits_takes_only_64_bit_ids():
    """An int-like parameter (digits match, letters do not) must refuse numbers past 2^63 - 1
    at the route: on a page `<id:pk>` (core.converters), in the API the viewsets'
    lookup pattern (core.ids.ID_PATTERN). Django's `<int:pk>` fails this."""
    unbounded, int_like = [], 0
    for pattern, name, _ in all_routes():
        for parameter in {a or b for a, b in PARAMETER.findall(pattern)}:
            digits, letters = (fill_one(pattern, parameter, v) for v in ("123", "abc"))
            if not matches(digits, pattern) or matches(letters, pattern):
                continue  # not an id (a document number, a list's name)
            int_like += 1
            unbounded += [
                f"{name or pattern}: {parameter}={value}"
                for value in NOT_IDS
                if matches(fill_one(pattern, parameter, value), pattern)
            ]
    assert unbounded == []
    assert int_like >= 60  # every page and API route with an object id


@pytest.mark.django_db
def test_an_id_past_64_bits_in_any_route_is_404_never_a_server_error(world):
    pages, api = world.client("bureau"), world.api("bureau")
    for pattern, name, _ in all_routes():
        if not has_params(pattern) or "<slug:" in pattern or "<str:" in pattern:
            continue
        url = fill(pattern, str(MAX_ID + 1))
        client = api if url.startswith("/api/") else pages
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 404, f"{method.upper()} {url} ({name})"
