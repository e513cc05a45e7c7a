"""The worked examples of docs/rules/subsidies.md, each run through the rules; the document's
section is exactly the one the examples render, so the two cannot drift."""

from decimal import Decimal

import pytest
from django.utils import translation

from xuetu.subsidies import examples
from xuetu.subsidies.choices import CHECK_CODES
from xuetu.subsidies.examples import EXAMPLES, Example

REQUIRED_CASES = 15


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_each_worked_example_gives_the_documented_checks_and_amount(example: Example):
    outcome = example.run()
    assert [check.code for check in outcome.checks] == list(CHECK_CODES)
    assert {c.code: c.result for c in outcome.checks} == example.expected_results()
    assert outcome.line.amount == example.amount
    assert isinstance(outcome.line.amount, Decimal)
    assert outcome.line.amount.as_tuple().exponent == -2


def test_the_document_lists_exactly_the_examples_the_tests_run():
    text = examples.DOC.read_text(encoding="utf-8")
    assert examples.documented_ids(text) == [e.id for e in EXAMPLES]
    section = examples.START + text.split(examples.START, 1)[1].split(examples.END, 1)[0]
    assert section + examples.END == examples.render(), (
        "docs/rules/subsidies.md is stale: run .venv/bin/python -m xuetu.subsidies.examples --write"
    )


def test_the_examples_cover_every_case_the_issue_names():
    assert len(EXAMPLES) >= REQUIRED_CASES
    assert len({e.id for e in EXAMPLES}) == len(EXAMPLES)
    titles = " | ".join(e.title.lower() for e in EXAMPLES)
    for case in (
        "senior level",
        "intermediate level",
        "above the target",
        "below the target",
        "without a certificate",
        "special ability",
        "withdrawn",
        "paused",
        "before the start",
        "too late",
        "same occupation and level",
        "higher certificate paid earlier",
        "one calendar year",
        "shorter than a year",
        "without a special approval",
        "with a special approval",
    ):
        assert case in titles, case


def test_every_failed_check_pays_nothing_and_a_review_holds_the_amount():
    for example in EXAMPLES:
        line = example.run().line
        if "fail" in example.results.values():
            assert line.result == "fail" and line.amount == Decimal("0.00"), example.id
        elif "review" in example.results.values():
            assert line.result == "review", example.id


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_the_explanation_and_messages_read_in_each_language(example: Example):
    outcome = example.run()
    with translation.override("zh-hans"):
        chinese = [str(outcome.line.explanation), *(str(c.message) for c in outcome.checks)]
    with translation.override("en"):
        english = [str(outcome.line.explanation), *(str(c.message) for c in outcome.checks)]
    assert chinese != english
    for text in chinese:
        assert not any(word in text for word in (" the ", "certificate", "Rule:", "yuan")), text
    assert "2020-01-01" in english[0]  # the policy version is cited


def test_the_explanation_names_rule_certificate_years_policy_and_amount():
    outcome = EXAMPLES[0].run()
    with translation.override("en"):
        text = str(outcome.line.explanation)
    for part in ("Rule:", "S000150000123243000045", "24 planned months", "2020-01-01", "12,000.00"):
        assert part in text
