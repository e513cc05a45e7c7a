"""The OpenAPI schema is valid OpenAPI 3, the API answers to tokens, and the production
settings pass Django's deployment checks without a warning."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.django_db
def test_the_schema_is_valid_openapi_3(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert text.startswith("openapi: 3.")
    for path in ("/api/v1/enterprises/", "/api/v1/institutions/", "/api/v1/people/"):
        assert path in text


@pytest.mark.django_db
def test_the_schema_and_docs_are_served(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200 and schema.json()["openapi"].startswith("3.")
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs and "cdn.jsdelivr" not in docs


@pytest.mark.django_db
def test_a_token_authenticates_and_a_bad_token_does_not(world):
    api = world.api("enterprise")
    assert api.get("/api/v1/enterprises/").json()["count"] == 1
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert api.get("/api/v1/enterprises/").status_code == 401


@pytest.mark.django_db
def test_drf_create_token_works_for_a_user(world, capsys):
    call_command("drf_create_token", "enterprise")
    assert "Generated token" in capsys.readouterr().out


def test_check_deploy_under_production_settings_prints_no_warnings():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "0",
        "SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-key-0123456789",
        "ALLOWED_HOSTS": "xuetu.example.gov.cn",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNING" not in output and "?: (" not in output, output
