"""Every page in the reader's language (issue 8, item 13). On a fresh demo, each demo user's
pages are walked from the home page by following the site's own links; each page is read in
English and must hold no Chinese but data (names, addresses, what people typed), and read in
Chinese must hold no English sentence but data, codes and the few words that are the same in
both (PDF, Excel, API).

What counts as data is taken from the database: every text a person or the reference data
stored, except the texts the system writes itself (notices, job messages, the audit log),
which must follow the reader's language like the page around them. Reference data that has an
English name (districts, occupations, industry chains) must show it in English."""

from __future__ import annotations

import ast
import io
import re
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from pprint import pformat
from urllib.parse import urldefrag, urlsplit

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.test import Client
from django.utils import translation
from django.utils.translation import trans_real
from openpyxl import Workbook

from xuetu.accounts.models import User
from xuetu.core.bilingual import Bilingual
from xuetu.programmes.choices import CohortStatus
from xuetu.programmes.models import Cohort

DEMO_USERS = ("bureau", "district", "enterprise", "school", "mentor", "apprentice")
PAGES_PER_USER = 150  # every kind of page each user has, breadth first
PAGES_PER_KIND = 3  # pages of one route (a class in three statuses), ids aside
SYSTEM_TEXTS = {"core.notice", "core.job", "core.auditevent", "core.jobrow"}
NOT_FOLLOWED = re.compile(
    r"/(logout|i18n|api|admin|static|media)/|/(download|pdf|export|template|letter)[/.]"
    r"|\.(pdf|xlsx|csv|json)$|/activate/"
)
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]+")
# An English sentence: two or more words of letters (a Chinese page may show one code or name).
ENGLISH = re.compile(r"\b[A-Za-z][a-z]+(?:[ \-][A-Za-z][a-z]+)+\b")
SAME_IN_BOTH = {"Excel", "PDF", "API", "OpenAPI", "Swagger", "ReDoc", "QR", "ID", "English"}


class _Text(HTMLParser):
    """The text a reader sees (and the titles, placeholders and labels a screen reader reads);
    links to follow."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._skip = 0
        self._open: list[tuple[str, bool]] = []  # open elements: whether each starts a skip

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in self.VOID:
            if not values.get("lang"):
                self._attributes(tag, values)
            return
        # Scripts, literal text (<code>: a header a program sends, a column a file must
        # have) and text marked as being in a language of its own (the brand, the switch to
        # the other language) are not in the page's language.
        literal = tag in ("script", "style", "code", "kbd", "samp")
        skipped = literal or (tag != "html" and bool(values.get("lang")))
        self._open.append((tag, skipped))
        self._skip += skipped
        if not self._skip:
            self._attributes(tag, values)

    def _attributes(self, tag: str, values: dict[str, str | None]) -> None:
        for name in ("title", "placeholder", "aria-label", "alt"):
            if values.get(name):
                self.parts.append(values[name] or "")
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        # An action's form posts to a page whose GET is its confirmation (or its form).
        if (
            tag == "form"
            and values.get("action")
            and (values.get("method") or "").lower() == "post"
        ):
            self.links.append(values["action"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID or all(name != tag for name, _ in self._open):
            return
        while self._open:  # an element left open (a <p> or <li>) closes with its parent
            name, skipped = self._open.pop()
            self._skip -= skipped
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def page_text(html: str) -> tuple[str, list[str]]:
    parser = _Text()
    parser.feed(html)
    return "\n".join(parser.parts), parser.links


def stored_texts(*, language: str) -> list[str]:
    """What people and the reference data stored: removed from a page before it is judged.
    In English, a Chinese name that has an English one is not data (it should not show)."""
    found: set[str] = set()
    for model in apps.get_models():
        if model._meta.label_lower in SYSTEM_TEXTS or model._meta.app_label in ("auth", "axes"):
            continue
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) and not f.choices
        ]
        if issubclass(model, Bilingual) and language == "en":
            rows = model._default_manager.filter(name_en="").values_list("name", flat=True)
            found.update(rows)
            fields = [f for f in fields if f != "name"]
        for name in fields:
            found.update(v for v in model._default_manager.values_list(name, flat=True) if v)
    # A public notice shows people's names masked (王*明): data as much as the names.
    from xuetu.core.verify import mask_name
    from xuetu.registry.models import Person

    found.update(mask_name(n) for n in Person.objects.values_list("name", flat=True))
    # Longest first, so a name is removed whole before a shorter name inside it.
    return sorted((t.strip() for t in found if t and t.strip()), key=len, reverse=True)


def without(text: str, data: list[str]) -> str:
    for value in data:
        if value in text:
            text = text.replace(value, " ")
    return text


def crawl(username: str, language: str, broken: dict[str, int] | None = None) -> dict[str, str]:
    """The pages a user reaches from home by the site's links: {path: visible text}. Links
    that answer 403 or 404 go into `broken` (a page should not offer what it refuses)."""
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(User.objects.get(username=username))
    client.cookies["django_language"] = language
    seen: dict[str, str] = {}
    queue = deque(["/"])
    queued = {"/"}
    while queue and len(seen) < PAGES_PER_USER:
        path = queue.popleft()
        response = client.get(path)
        assert response.status_code < 500, (username, path, response.status_code)
        if broken is not None and response.status_code in (403, 404):
            broken[path] = response.status_code
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        text, links = page_text(response.content.decode())
        seen[path] = text
        for href in links:
            href, _ = urldefrag(href)
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if NOT_FOLLOWED.search(parts.path) or target in queued:
                continue
            # One page per kind: a list's later pages and filters are the same template.
            if parts.query and any(p.split("?")[0] == parts.path for p in queued):
                continue
            kind = re.sub(r"\d+", "N", parts.path)
            if sum(re.sub(r"\d+", "N", p.split("?")[0]) == kind for p in queued) >= PAGES_PER_KIND:
                continue
            queued.add(target)
            queue.append(target)
    return seen


def chinese_left(text: str, data: list[str]) -> list[str]:
    return sorted(set(CJK.findall(without(text, data))))


def translated_words() -> set[str]:
    """One-word texts the project translates ("Approve", "Status"): left in English on a
    Chinese page, they are a missed translation even alone."""
    catalog = trans_real.translation("zh-hans")._catalog  # type: ignore[attr-defined]
    return {
        key
        for key in catalog.keys()  # noqa: SIM118 (a TranslationCatalog, not a dict)
        if isinstance(key, str) and re.fullmatch(r"[A-Z][a-z]{2,}", key)
    }


def english_left(
    text: str, data: list[str], words: frozenset[str] | set[str] = frozenset()
) -> list[str]:
    left = without(text, data)
    left = re.sub(r"https?://\S+|\S+@\S+", " ", left)
    found = {
        m for m in ENGLISH.findall(left) if not set(m.replace("-", " ").split()) <= SAME_IN_BOTH
    }
    found |= {m for m in re.findall(r"\b[A-Z][a-z]{2,}\b", left) if m in words}
    return sorted(found)


def by_words(left: dict[tuple[str, str], list[str]]) -> dict[str, list[str]]:
    """Each stray text with the first pages (user and path) it is on: one line per fix."""
    pages: dict[str, list[str]] = {}
    for (username, path), words in sorted(left.items()):
        for word in words:
            pages.setdefault(word, []).append(f"{username} {path}")
    return {
        word: found[:3] + ([f"… {len(found)} pages"] if len(found) > 3 else [])
        for word, found in pages.items()
    }


def imports_in_chinese() -> None:
    """Two roster imports the enterprise ran in Chinese, one with row errors and one that
    failed (no usable header): their reports are pages the enterprise reaches from home."""
    from xuetu.programmes.tasks import roster_import_start
    from xuetu.tests.test_phone_screens import roster_file

    user = User.objects.get(username="enterprise")
    cohort = Cohort.objects.filter(
        status=CohortStatus.DRAFT, enterprise__memberships__user=user
    ).first()
    assert cohort is not None, "the demo has a draft class of the enterprise"
    workbook = Workbook()
    workbook.active.append(["name", "foo"])
    unusable = io.BytesIO()
    workbook.save(unusable)
    for data in (roster_file(), unusable.getvalue()):
        roster_import_start(
            by=user, cohort=cohort, filename="名单.xlsx", data=data, language="zh-hans"
        )


def every_page(language: str, broken: dict[str, int] | None = None) -> dict[tuple[str, str], str]:
    call_command("seed_demo", stdout=io.StringIO())
    imports_in_chinese()
    pages = {}
    for username in DEMO_USERS:
        refused: dict[str, int] = {}
        reached = crawl(username, language, refused)
        if broken is not None:
            broken.update({f"{username} {path}": code for path, code in refused.items()})
        assert len(reached) > 3, (username, list(reached))
        pages.update({(username, path): text for path, text in reached.items()})
    jobs = [path for user, path in pages if user == "enterprise" and path.startswith("/jobs/")]
    assert len(jobs) >= 2, "the import reports are reached from the enterprise's home"
    return pages


@pytest.mark.django_db
def test_every_page_each_demo_user_reaches_reads_in_english_without_chinese_but_data():
    broken: dict[str, int] = {}
    pages = every_page("en", broken)
    # The same walk: every link a page shows its user opens for them.
    assert broken == {}
    data = stored_texts(language="en")
    stray = by_words({page: chinese_left(text, data) for page, text in pages.items()})
    assert not stray, "Chinese on English pages:\n" + pformat(stray, width=100)


@pytest.mark.django_db
def test_every_page_each_demo_user_reaches_reads_in_chinese_without_english_but_data():
    pages = every_page("zh-hans")
    data = stored_texts(language="zh-hans")
    words = translated_words()
    stray = by_words({page: english_left(text, data, words) for page, text in pages.items()})
    assert not stray, "English on Chinese pages:\n" + pformat(stray, width=100)


# Notices and job messages ------------------------------------------------------------------
LOCALE = Path(__file__).resolve().parents[1] / "locale"


def catalogue_entries(path: Path) -> list[dict[str, str | bool]]:
    """The entries of a .po file: msgid, msgstr (the first form of a plural) and whether it is
    marked fuzzy. Enough of the format for a check; the header entry is left out."""
    entries: list[dict[str, str | bool]] = []
    entry: dict[str, str | bool] = {}
    key = ""
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if entry.get("msgid"):
                entries.append(entry)
            entry, key = {}, ""
        elif line.startswith("#,") and "fuzzy" in line:
            entry["fuzzy"] = True
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            if key:
                entry[key] = str(entry.get(key, "")) + ast.literal_eval(line)
        else:
            name, _, value = line.partition(" ")
            key = {"msgstr[0]": "msgstr"}.get(name, name)
            if key in ("msgid", "msgstr", "msgctxt"):
                entry[key] = ast.literal_eval(value)
            else:
                key = ""  # msgid_plural, msgstr[1] …: not needed
    return entries


def test_every_message_the_project_says_has_its_chinese():
    """Pages, notices, job messages, import summaries and row errors all come from the one
    catalogue: none of its entries may lack a Chinese text or keep a guessed (fuzzy) one."""
    entries = catalogue_entries(LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po")
    assert len(entries) > 500
    missing = [e["msgid"] for e in entries if not e.get("msgstr")]
    fuzzy = [e["msgid"] for e in entries if e.get("fuzzy")]
    assert (missing, fuzzy) == ([], [])
    # One entry per message: a message defined twice stops the catalogue compiling at all.
    keys = [(e.get("msgctxt", ""), e["msgid"]) for e in entries]
    assert sorted(k for k in set(keys) if keys.count(k) > 1) == []


def test_every_notice_reads_in_english_and_in_chinese():
    from xuetu.core import notices

    notices.message_for("")  # finds every app's notices.py
    params = {"code": "BJ-2026-001", "number": "XY-1", "name": "Li", "on": "2026-09-01"}
    params |= {"comment": "ok", "org": "ACME", "what": "x", "text": "plain"}
    kinds = [kind for kind in notices._messages if kind != notices.PLAIN]
    assert len(kinds) > 15
    for kind in kinds:
        with translation.override("en"):
            english = notices.notice_text(kind, params)
        with translation.override("zh-hans"):
            chinese = notices.notice_text(kind, params)
        assert not CJK.search(english), (kind, english)
        assert CJK.search(chinese) and chinese != english, (kind, chinese)
