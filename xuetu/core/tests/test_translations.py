"""Chinese is the default language: every message in the catalogue has a Chinese translation,
and none is a gettext guess (fuzzy), which Django would silently ignore."""

import re
from pathlib import Path

CATALOGUE = Path(__file__).resolve().parents[2] / "locale/zh_Hans/LC_MESSAGES/django.po"


def entries() -> list[str]:
    blocks = CATALOGUE.read_text(encoding="utf-8").split("\n\n")
    return [
        b for b in blocks if re.search(r'^msgid "', b, re.M) and 'msgid ""\nmsgstr ""\n"' not in b
    ]


def test_every_message_has_a_chinese_translation():
    untranslated = [
        b for b in entries() if re.search(r'^msgstr(\[0\])? ""\s*$', b.strip().split("\n")[-1])
    ]
    assert not untranslated, "\n\n".join(untranslated[:5])


def test_no_translation_is_a_fuzzy_guess():
    fuzzy = [b for b in entries() if re.search(r"^#,.*\bfuzzy\b", b, re.M)]
    assert not fuzzy, "\n\n".join(fuzzy[:5])
