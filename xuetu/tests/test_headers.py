"""Production headers: a Content-Security-Policy whose scripts need this site or the
request's nonce, a Permissions-Policy, HSTS, and /healthz answered over plain HTTP for the
load balancer while every other page is sent to HTTPS."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-key-0123456789",
    "ALLOWED_HOSTS": "xuetu.example.gov.cn",
}

# Runs requests in a process started with the production environment, as gunicorn would be.
ASK = """
import json, django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="xuetu.example.gov.cn")
answers = {}
for name, path, secure in [("plain", "/healthz", False), ("secure", "/healthz", True),
                           ("home", "/", False)]:
    response = client.get(path, secure=secure)
    answers[name] = {"status": response.status_code, "headers": dict(response.headers)}
print(json.dumps(answers))
"""


@pytest.fixture(scope="module")
def production():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(PRODUCTION, DJANGO_SETTINGS_MODULE="xuetu.settings")
    result = subprocess.run(
        [sys.executable, "-c", ASK], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def directives(header: str) -> dict[str, list[str]]:
    parts = (p.split() for p in header.split(";") if p.strip())
    return {name: values for name, *values in parts}


def test_a_production_response_carries_csp_hsts_and_permissions_policy(production):
    headers = production["secure"]["headers"]
    assert production["secure"]["status"] == 200
    assert "max-age=31536000" in headers["Strict-Transport-Security"]
    assert "camera=()" in headers["Permissions-Policy"]
    policy = directives(headers["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]


def test_the_health_check_answers_over_plain_http_in_production(production):
    assert production["plain"]["status"] == 200


def test_every_other_page_is_sent_to_https_in_production(production):
    assert production["home"]["status"] == 301
    assert production["home"]["headers"]["Location"].startswith("https://")


@pytest.mark.django_db
def test_scripts_run_only_from_this_site_or_with_the_pages_nonce(client):
    response = client.get("/accounts/login/")
    policy = directives(response["Content-Security-Policy"])
    found = re.search(r'"inlineStyleNonce": "([^"]+)"', response.content.decode())
    assert found, "base.html hands htmx the nonce for its indicator style"
    nonce = found.group(1)
    assert policy["script-src"] == ["'self'", f"'nonce-{nonce}'"]
    assert "'unsafe-inline'" not in policy["style-src"] and "'unsafe-eval'" not in str(policy)


@pytest.mark.django_db
def test_each_page_gets_its_own_nonce(client):
    first, second = (client.get("/accounts/login/")["Content-Security-Policy"] for _ in "12")
    assert first != second


@pytest.mark.django_db
def test_no_template_has_an_inline_script_without_a_nonce_or_an_inline_handler():
    templates = [p for p in (ROOT / "xuetu").rglob("templates/**/*.html") if "pdf" not in p.parts]
    assert templates
    for path in templates:
        text = path.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in tag or "nonce=" in tag, f"{path}: {tag}"
        assert not re.search(r"\son[a-z]+\s*=", text), f"{path} has an inline event handler"


@pytest.mark.django_db
def test_the_api_docs_run_their_inline_script_with_the_nonce(client):
    response = client.get("/api/docs/")
    nonce = directives(response["Content-Security-Policy"])["script-src"][1]
    assert f'<script nonce="{nonce[7:-1]}">' in response.content.decode()


@pytest.mark.django_db
def test_every_answer_carries_the_permissions_policy(client, world):
    for response in (
        client.get("/healthz"),
        client.get("/accounts/login/"),
        world.api("enterprise").get("/api/v1/enterprises/"),
    ):
        assert "geolocation=()" in response["Permissions-Policy"]
