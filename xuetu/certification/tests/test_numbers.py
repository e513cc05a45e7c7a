"""Certificate numbers against the published layouts (issue 9, item 6): the issue's examples,
a level digit that contradicts the stated level refused naming `number`, any other layout to
the bureau's review queue, never silently accepted or refused."""

from __future__ import annotations

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from xuetu.certification.numbers import (
    ACCEPTED,
    PENDING_REVIEW,
    REFUSED,
    read_number,
)
from xuetu.registry.choices import CertificateType

SKILL = CertificateType.SKILL_LEVEL
QUALIFICATION = CertificateType.QUALIFICATION
DIGITS = st.text("0123456789", min_size=1, max_size=1)


def test_the_issues_skill_level_example_is_a_senior_certificate_of_2024():
    reading = read_number(SKILL, "S000150000123243000045", level=3, issued_year=2024)
    assert (reading.outcome, reading.layout, reading.level, reading.year) == (
        ACCEPTED,
        SKILL,
        3,
        2024,
    )


def test_the_issues_qualification_example_is_level_3():
    reading = read_number(QUALIFICATION, "1950012003300001", level=3)
    assert (reading.outcome, reading.level, reading.year) == (ACCEPTED, 3, 2019)


def test_a_number_typed_with_spaces_lower_case_and_full_width_reads_the_same():
    reading = read_number(SKILL, " s0001 5000012324 3000045 ", level=3)
    assert reading.number == "S000150000123243000045"
    assert reading.outcome == ACCEPTED
    assert (
        read_number(QUALIFICATION, "１９５００１２００３３００００１", level=3).outcome == ACCEPTED
    )


@pytest.mark.parametrize(
    ("kind", "number"),
    [(SKILL, "S000150000123243000045"), (QUALIFICATION, "1950012003300001")],
)
def test_a_level_digit_that_contradicts_the_stated_level_is_refused_naming_number(kind, number):
    reading = read_number(kind, number, level=2)
    assert reading.outcome == REFUSED
    assert [(p.code, p.field) for p in reading.problems] == [("number_level_mismatch", "number")]
    with translation.override("zh-hans"):
        message = str(read_number(kind, number, level=2).problems[0].message)
        assert message == "证书编号中的等级位为 3，与所填证书等级 2 不符。"
    with translation.override("en"):
        message = str(read_number(kind, number, level=2).problems[0].message)
        assert message == "The number's level digit is 3, which is not the certificate's level 2."


@pytest.mark.parametrize(
    ("kind", "number"),
    [
        (SKILL, "YS00015000012324300004"),  # 特级技师: two letters and 20 digits
        (SKILL, "R000150000123243000045"),  # another layout's letter
        (SKILL, "S000199000123243000045"),  # province 99 does not exist
        (SKILL, "S000150000123246000045"),  # level digit 6
        (QUALIFICATION, "0000195001200330001"),  # an old provincial layout
        (QUALIFICATION, "S000150000123243000045"),  # a skill level number under the wrong kind
    ],
)
def test_a_number_of_any_other_layout_goes_to_the_review_queue_with_the_reason(kind, number):
    with translation.override("zh-hans"):
        reading = read_number(kind, number, level=3)
        assert "人社局" in str(reading.problems[0].message)
    assert reading.outcome == PENDING_REVIEW
    assert [p.code for p in reading.problems] == ["number_layout_unknown"]


def test_a_year_that_differs_from_the_issue_date_goes_to_review_not_refusal():
    reading = read_number(SKILL, "S000150000123243000045", level=3, issued_year=2023)
    assert reading.outcome == PENDING_REVIEW
    assert [p.code for p in reading.problems] == ["number_year_differs"]


@pytest.mark.parametrize("kind", [CertificateType.SPECIAL_ABILITY, CertificateType.TRAINING])
def test_special_ability_and_training_numbers_have_no_layout_and_are_accepted(kind):
    assert read_number(kind, "ZX-2025-000123").outcome == ACCEPTED


@pytest.mark.parametrize("raw", ["", "  ", "ab", "证书123456", "12<script>"])
def test_an_empty_or_impossible_number_is_refused(raw):
    assert read_number(SKILL, raw, level=3).outcome == REFUSED


@given(
    letter=st.sampled_from("YS"),
    evaluator=st.text("0123456789", min_size=4, max_size=4),
    site=st.text("0123456789", min_size=6, max_size=6),
    year=st.integers(0, 99),
    level=st.integers(1, 5),
    serial=st.text("0123456789", min_size=6, max_size=6),
    stated=st.integers(1, 5),
)
def test_any_skill_level_number_is_accepted_exactly_when_its_digit_is_the_level(
    letter, evaluator, site, year, level, serial, stated
):
    number = f"{letter}{evaluator}50{site}{year:02d}{level}{serial}"
    reading = read_number(SKILL, number, level=stated)
    assert reading.outcome == (ACCEPTED if level == stated else REFUSED)
    assert reading.level == level and reading.year == 2000 + year


@given(st.text(max_size=60))
def test_any_text_is_read_without_an_error(raw):
    for kind in CertificateType.values:
        reading = read_number(kind, raw, level=3)
        assert reading.outcome in (ACCEPTED, PENDING_REVIEW, REFUSED)
        assert reading.outcome == ACCEPTED or reading.problems
