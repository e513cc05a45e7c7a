"""Environment variables are checked at start-up: a malformed value is refused with a message
naming the variable, the value and what is accepted, never read as some default."""

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st

from xuetu.config import (
    BOOLEAN_WORDS,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_path,
    env_str,
    env_timezone,
    env_url,
    is_host,
    is_origin,
    masked,
)

ROOT = Path(__file__).resolve().parents[2]
WORDS = BOOLEAN_WORDS.split("/")
DB_SCHEMES = ("sqlite", "postgres", "postgresql")


def refusal(function, *args, **kwargs) -> str:
    with pytest.raises(ImproperlyConfigured) as excinfo:
        function(*args, **kwargs)
    return str(excinfo.value)


# --- booleans ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("true", True),
        ("1", True),
        ("yes", True),
        ("on", True),
        (" TRUE ", True),
        ("On", True),
        ("false", False),
        ("0", False),
        ("no", False),
        ("off", False),
        ("False", False),
    ],
)
def test_a_boolean_reads_each_accepted_word(raw, expected):
    assert env_bool("DEBUG", not expected, environ={"DEBUG": raw}) is expected


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_an_unset_or_empty_boolean_is_the_default(raw):
    environ = {} if raw is None else {"DEBUG": raw}
    assert env_bool("DEBUG", True, environ=environ) is True
    assert env_bool("DEBUG", False, environ=environ) is False


@pytest.mark.parametrize("raw", ["flase", "ture", "2", "y", "n", "enabled", "-1", "true!"])
def test_a_misspelt_boolean_is_refused(raw):
    message = refusal(env_bool, "DEBUG", True, environ={"DEBUG": raw})
    assert message == f"DEBUG={raw}: expected one of true/false/1/0/yes/no/on/off"


@given(st.text().filter(lambda text: text.strip() and text.strip().lower() not in WORDS))
def test_no_other_text_is_a_boolean(raw):
    message = refusal(env_bool, "SECURE_SSL_REDIRECT", False, environ={"SECURE_SSL_REDIRECT": raw})
    assert message.startswith(f"SECURE_SSL_REDIRECT={raw.strip()}: expected one of")


@given(st.sampled_from(WORDS), st.sampled_from(["", " ", "\t"]), st.booleans())
def test_a_boolean_ignores_case_and_surrounding_blanks(word, blank, upper):
    raw = blank + (word.upper() if upper else word) + blank
    assert env_bool("X", False, environ={"X": raw}) is (WORDS.index(word) % 2 == 0)


# --- integers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "expected"), [("0", 0), (" 60 ", 60), ("+7", 7), ("-3", -3)])
def test_an_integer_reads_whole_numbers(raw, expected):
    assert env_int("DB_CONN_MAX_AGE", 60, environ={"DB_CONN_MAX_AGE": raw}) == expected


@pytest.mark.parametrize("raw", ["sixty", "4.5", "1e3", "60s", "٣", "0x10"])
def test_an_integer_refuses_anything_else(raw):
    message = refusal(env_int, "SECURE_HSTS_SECONDS", 0, environ={"SECURE_HSTS_SECONDS": raw})
    assert message == f"SECURE_HSTS_SECONDS={raw}: expected a whole number"


def test_an_integer_below_its_minimum_is_refused():
    message = refusal(env_int, "DB_CONN_MAX_AGE", 60, minimum=0, environ={"DB_CONN_MAX_AGE": "-1"})
    assert message == "DB_CONN_MAX_AGE=-1: expected a whole number of 0 or more"
    assert env_int("DB_CONN_MAX_AGE", 60, minimum=0, environ={}) == 60


@given(st.integers())
def test_every_whole_number_reads_back(number):
    assert env_int("N", 0, environ={"N": f" {number} "}) == number


# --- lists ------------------------------------------------------------------------------------


def test_a_list_drops_blanks_and_empty_items():
    environ = {"ALLOWED_HOSTS": " a.example.cn, ,b.example.cn,, "}
    assert env_list("ALLOWED_HOSTS", ["x"], environ=environ) == ["a.example.cn", "b.example.cn"]
    assert env_list("ALLOWED_HOSTS", ["x"], environ={"ALLOWED_HOSTS": ""}) == ["x"]
    assert env_list("CSRF_TRUSTED_ORIGINS", environ={}) == []


@given(st.lists(st.text(st.characters(blacklist_characters=",", blacklist_categories=["Z", "C"]))))
def test_a_list_reads_back_what_was_joined(items):
    items = [item for item in items if item]
    environ = {"L": ", ".join(items)}
    assert env_list("L", ["default"], environ=environ) == (items or ["default"])


def test_a_list_refuses_an_item_that_fails_its_check():
    environ = {"ALLOWED_HOSTS": "xuetu.example.gov.cn,https://xuetu.example.gov.cn"}
    message = refusal(
        env_list, "ALLOWED_HOSTS", valid=is_host, expected="host names", environ=environ
    )
    assert message == f"ALLOWED_HOSTS={environ['ALLOWED_HOSTS']}: expected host names"


@pytest.mark.parametrize(
    ("item", "ok"),
    [
        ("xuetu.example.gov.cn", True),
        (".example.gov.cn", True),
        ("*", True),
        ("127.0.0.1", True),
        ("[::1]", True),
        ("testserver", True),
        ("https://xuetu.example.gov.cn", False),
        ("xuetu.example.gov.cn/path", False),
        ("xuetu.example.gov.cn:8000", False),
    ],
)
def test_a_host_has_no_scheme_path_or_port(item, ok):
    assert is_host(item) is ok


@pytest.mark.parametrize(
    ("item", "ok"),
    [
        ("https://xuetu.example.gov.cn", True),
        ("http://127.0.0.1:8000", True),
        ("xuetu.example.gov.cn", False),
        ("ftp://xuetu.example.gov.cn", False),
        ("https://", False),
    ],
)
def test_a_trusted_origin_names_its_scheme(item, ok):
    assert is_origin(item) is ok


# --- choices, text, paths, time zones ---------------------------------------------------------

LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


@pytest.mark.parametrize(
    ("raw", "expected"), [("info", "INFO"), (" Error ", "ERROR"), ("", "WARNING")]
)
def test_a_choice_is_read_in_any_case_and_spelt_as_listed(raw, expected):
    assert env_choice("LOG_LEVEL", "WARNING", LEVELS, environ={"LOG_LEVEL": raw}) == expected


def test_a_choice_outside_the_list_is_refused():
    message = refusal(env_choice, "LOG_LEVEL", "WARNING", LEVELS, environ={"LOG_LEVEL": "verbose"})
    assert message == "LOG_LEVEL=verbose: expected one of DEBUG/INFO/WARNING/ERROR/CRITICAL"


def test_text_is_stripped_and_empty_text_is_the_default():
    assert env_str("SECRET_KEY", "", environ={"SECRET_KEY": "  s3cret  "}) == "s3cret"
    assert env_str("SECRET_KEY", "fallback", environ={"SECRET_KEY": ""}) == "fallback"


def test_a_path_must_be_absolute(tmp_path):
    assert env_path("MEDIA_ROOT", Path("/d"), environ={"MEDIA_ROOT": str(tmp_path)}) == tmp_path
    assert env_path("MEDIA_ROOT", Path("/d"), environ={}) == Path("/d")
    message = refusal(env_path, "MEDIA_ROOT", Path("/d"), environ={"MEDIA_ROOT": "media"})
    assert message == "MEDIA_ROOT=media: expected an absolute path"


def test_a_time_zone_must_exist():
    assert (
        env_timezone("TIME_ZONE", "UTC", environ={"TIME_ZONE": "Asia/Shanghai"}) == "Asia/Shanghai"
    )
    for bad in ("Beijing", "Asia/Chongqing/East", "../etc/passwd"):
        message = refusal(env_timezone, "TIME_ZONE", "UTC", environ={"TIME_ZONE": bad})
        assert message == f"TIME_ZONE={bad}: expected a time zone name such as Asia/Shanghai"


# --- URLs -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:////srv/xuetu/db.sqlite3",
        "sqlite://",
        "postgres://postgres@127.0.0.1:5432/xuetu",
        "postgresql://xuetu:secret@db/xuetu",
        "postgres:///xuetu",
    ],
)
def test_a_database_url_with_a_known_scheme_is_read(url):
    assert (
        env_url("DATABASE_URL", "sqlite://", schemes=DB_SCHEMES, environ={"DATABASE_URL": url})
        == url
    )


@pytest.mark.parametrize(
    "url",
    [
        "postgress://postgres@127.0.0.1/xuetu",
        "mysql://root@127.0.0.1/xuetu",
        "127.0.0.1:5432/xuetu",
        "postgres://postgres@127.0.0.1:99999/xuetu",
        "postgres:xuetu",
    ],
)
def test_a_database_url_is_refused_unless_it_is_sqlite_or_postgresql(url):
    message = refusal(
        env_url, "DATABASE_URL", "", schemes=DB_SCHEMES, environ={"DATABASE_URL": url}
    )
    expected = "a URL starting with sqlite://, postgres:// or postgresql://"
    assert message == f"DATABASE_URL={url}: expected {expected}"


def test_a_refused_url_does_not_print_its_password():
    url = "mysql://xuetu:hunter2@db:3306/xuetu"
    message = refusal(
        env_url, "DATABASE_URL", "", schemes=DB_SCHEMES, environ={"DATABASE_URL": url}
    )
    assert "hunter2" not in message
    assert message.startswith("DATABASE_URL=mysql://xuetu:***@db:3306/xuetu: expected")
    assert masked("redis://:p@ss@redis:6379/0") == "redis://:***@redis:6379/0"


def test_an_empty_broker_url_keeps_tasks_in_process():
    assert (
        env_url("CELERY_BROKER_URL", "", schemes=("redis",), environ={"CELERY_BROKER_URL": ""})
        == ""
    )
    message = refusal(
        env_url,
        "CELERY_BROKER_URL",
        "",
        schemes=("redis",),
        environ={"CELERY_BROKER_URL": "localhost"},
    )
    assert message == "CELERY_BROKER_URL=localhost: expected a URL starting with redis://"


# --- start-up ---------------------------------------------------------------------------------


def start(**variables: str) -> subprocess.CompletedProcess:
    """`manage.py check` in a fresh process, as a server would start, with `variables` set."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**env, **variables},
        capture_output=True,
        text=True,
        check=False,
    )


def test_django_refuses_to_start_with_a_misspelt_debug():
    result = start(DEBUG="flase")
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line == (
        "django.core.exceptions.ImproperlyConfigured: "
        "DEBUG=flase: expected one of true/false/1/0/yes/no/on/off"
    )


def test_django_refuses_to_start_in_production_without_a_secret_key():
    result = start(DEBUG="off", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY: must be set when DEBUG is off" in result.stderr


def test_django_starts_with_well_formed_values():
    result = start(DEBUG="yes", DB_CONN_MAX_AGE="0", LOG_LEVEL="info", ALLOWED_HOSTS="a.cn,.b.cn")
    assert result.returncode == 0, result.stderr


def test_the_example_environment_lists_every_variable_the_settings_read():
    tree = ast.parse((ROOT / "xuetu" / "settings.py").read_text())
    read = {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id.startswith("env_")
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }
    example = (ROOT / ".env.example").read_text()
    listed = set(re.findall(r"^# ([A-Z_]+)=", example, flags=re.MULTILINE))
    assert "DEBUG" in read and "DATABASE_URL" in read
    assert read == listed
