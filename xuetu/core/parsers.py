"""The API's JSON parser: DRF's, refusing a body nested deeper than any request needs.

Python's JSON decoder recurses once per level, so a body of a few thousand `[` raises
RecursionError (a server error) before any serializer sees it; and a deep but parseable body
would recurse again in every validator that walks it. The nesting is counted on the raw text
first (strings skipped), in one pass, and past `MAX_DEPTH` the answer is a 400.
"""

from __future__ import annotations

import io
import re
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from xuetu.core.problems import say

MAX_DEPTH = 32  # our deepest body is two levels; a JSON field's details a few more
STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
NOT_A_BRACKET = re.compile(r"[^\[\]{}]+")


def nesting_depth(text: str, *, stop_past: int | None = None) -> int:
    """How deep arrays and objects nest in the JSON `text` (brackets inside strings do not
    count); counting stops once it passes `stop_past`."""
    depth = deepest = 0
    for bracket in NOT_A_BRACKET.sub("", STRING.sub("", text)):
        if bracket in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if stop_past is not None and deepest > stop_past:
                    break
        else:
            depth -= 1
    return deepest


class DepthLimitedJSONParser(JSONParser):
    """`settings.REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]`: JSON nested at most `max_depth`."""

    max_depth = MAX_DEPTH

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        raw = stream.read()
        encoding = (parser_context or {}).get("encoding") or settings.DEFAULT_CHARSET
        try:
            # Undecodable bytes, like an unknown charset, are DRF's parse error below.
            text = raw.decode(encoding, errors="replace")
        except LookupError:  # not a text encoding (bytes.decode refuses bz2_codec and such)
            text = ""
        if nesting_depth(text, stop_past=self.max_depth) > self.max_depth:
            raise ParseError(
                say(
                    _("The JSON body nests deeper than %(limit)s levels of arrays and objects."),
                    limit=self.max_depth,
                )
            )
        return super().parse(io.BytesIO(raw), media_type, parser_context)
