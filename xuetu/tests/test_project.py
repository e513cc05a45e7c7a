"""Project wiring: the public routes the apps declare."""

from __future__ import annotations

from xuetu.core.access import PUBLIC_URL_NAMES


def test_each_app_declared_the_routes_it_serves_without_signing_in():
    assert set(PUBLIC_URL_NAMES) == {
        "accounts:login",
        "set_language",
        "javascript-catalog",
        "api-schema",
        "api-docs",
        "public:verify",
        "public:verify_number",
        "healthz",
    }
