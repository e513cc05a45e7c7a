"""Settings from environment variables, each one checked before Django starts.

A malformed value stops start-up with a message that names the variable, repeats the value
and says what is accepted (`DEBUG=flase: expected one of true/false/1/0/yes/no/on/off`), as
healthchecks does: a typo must not quietly become the opposite setting. An unset or empty
variable means "use the default". Passwords in URLs are masked in the messages.
"""

from __future__ import annotations

import os
import re
import zoneinfo
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from urllib.parse import SplitResult, urlsplit

from django.core.exceptions import ImproperlyConfigured

Environ = Mapping[str, str]

TRUE_WORDS = ("true", "1", "yes", "on")
FALSE_WORDS = ("false", "0", "no", "off")
BOOLEAN_WORDS = "/".join(
    word for pair in zip(TRUE_WORDS, FALSE_WORDS, strict=True) for word in pair
)

_PASSWORD = re.compile(r"(//[^:/@]*:)[^/]*@")  # up to the last @ of the host part


def refused(name: str, value: str, expected: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"{name}={masked(value)}: expected {expected}")


def masked(value: str) -> str:
    """The value with any password in a URL replaced by ***."""
    return _PASSWORD.sub(r"\1***@", value)


def read(name: str, environ: Environ) -> str | None:
    """The variable's value without surrounding blanks; None when unset or empty."""
    value = environ.get(name, "").strip()
    return value or None


def env_str(name: str, default: str, *, environ: Environ = os.environ) -> str:
    value = read(name, environ)
    return default if value is None else value


def env_bool(name: str, default: bool, *, environ: Environ = os.environ) -> bool:
    value = read(name, environ)
    if value is None:
        return default
    word = value.lower()
    if word not in TRUE_WORDS + FALSE_WORDS:
        raise refused(name, value, f"one of {BOOLEAN_WORDS}")
    return word in TRUE_WORDS


def env_int(
    name: str, default: int, *, minimum: int | None = None, environ: Environ = os.environ
) -> int:
    value = read(name, environ)
    if value is None:
        return default
    expected = "a whole number" + (f" of {minimum} or more" if minimum is not None else "")
    if not re.fullmatch(r"[+-]?[0-9]+", value):
        raise refused(name, value, expected)
    number = int(value)
    if minimum is not None and number < minimum:
        raise refused(name, value, expected)
    return number


def env_choice(
    name: str, default: str, choices: Sequence[str], *, environ: Environ = os.environ
) -> str:
    """One of `choices`, in any letter case; the choice is returned as spelled there."""
    value = read(name, environ)
    if value is None:
        return default
    for choice in choices:
        if value.casefold() == choice.casefold():
            return choice
    raise refused(name, value, "one of " + "/".join(choices))


def env_list(
    name: str,
    default: Sequence[str] = (),
    *,
    valid: Callable[[str], bool] | None = None,
    expected: str = "a comma-separated list",
    environ: Environ = os.environ,
) -> list[str]:
    """Comma-separated items, blanks around them dropped; each must pass `valid` if given."""
    value = read(name, environ)
    if value is None:
        return list(default)
    items = [item.strip() for item in value.split(",") if item.strip()]
    if valid is not None and not all(valid(item) for item in items):
        raise refused(name, value, expected)
    return items


def env_url(
    name: str, default: str, *, schemes: Sequence[str], environ: Environ = os.environ
) -> str:
    """A URL with one of `schemes` (`postgres:///xuetu` is PostgreSQL's local socket)."""
    value = read(name, environ)
    if value is None:
        return default
    if not is_url(value, schemes):
        starts = [f"{scheme}://" for scheme in schemes]
        either = ", ".join(starts[:-1]) + " or " + starts[-1] if len(starts) > 1 else starts[0]
        raise refused(name, value, f"a URL starting with {either}")
    return value


def is_url(value: str, schemes: Sequence[str]) -> bool:
    """`value` starts with one of `schemes` and `://`; a web address also names its host."""
    parts = _split(value)
    if parts is None or not value.lower().startswith(tuple(f"{s}://" for s in schemes)):
        return False
    return bool(parts.netloc) or parts.scheme.lower() not in ("http", "https")


def _split(value: str) -> SplitResult | None:
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 -- raises ValueError for a port that is not 0-65535
    except ValueError:
        return None
    return parts


def env_path(name: str, default: Path, *, environ: Environ = os.environ) -> Path:
    """An absolute path: a relative one would depend on the directory the server starts in."""
    value = read(name, environ)
    if value is None:
        return default
    path = Path(value)
    if not path.is_absolute():
        raise refused(name, value, "an absolute path")
    return path


def env_timezone(name: str, default: str, *, environ: Environ = os.environ) -> str:
    value = read(name, environ)
    if value is None:
        return default
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise refused(name, value, "a time zone name such as Asia/Shanghai") from None
    return value


def is_host(item: str) -> bool:
    """A host name or address for ALLOWED_HOSTS: no scheme, path or port."""
    return re.fullmatch(r"\*|\.?[\w.-]+|\[[0-9A-Fa-f:.]+\]", item) is not None


def is_origin(item: str) -> bool:
    """A scheme and host for CSRF_TRUSTED_ORIGINS, e.g. https://xuetu.example.gov.cn."""
    parts = _split(item)
    return parts is not None and parts.scheme in ("http", "https") and bool(parts.netloc)
