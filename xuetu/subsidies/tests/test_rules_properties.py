"""Properties of the line whatever the facts (Hypothesis): the amount is a Decimal to the fen,
never negative, never above the capped standard times the most years; years are months / 12,
capped."""

import dataclasses
import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xuetu.subsidies.examples import BASE, POLICY, WELDER
from xuetu.subsidies.rules import (
    CertificateFacts,
    PaymentFacts,
    PolicyFacts,
    SpecialApproval,
    assess,
    round_half_up,
    standards_of,
    years_of,
)

dates = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2100, 12, 31))
amounts = st.decimals(min_value=0, max_value=Decimal("99999.99"), places=2)
kinds = st.sampled_from(["skill_level", "qualification", "special_ability", "training"])
certificates = st.builds(
    CertificateFacts,
    kind=kinds,
    occupation_code=st.sampled_from([WELDER, "6-31-01-03", ""]),
    level=st.one_of(st.none(), st.integers(1, 5)),
    issued_on=dates,
    review_status=st.sampled_from(["accepted", "pending_review", "verified", "rejected"]),
)
policies = st.builds(
    PolicyFacts,
    version=st.just("test"),
    standards=st.lists(
        st.tuples(st.sampled_from(["skill_level", "qualification"]), st.integers(1, 5), amounts),
        max_size=6,
    ).map(standards_of),
    max_years=st.integers(1, 3),
    max_years_with_approval=st.integers(3, 4),
    certificate_window_months=st.integers(0, 24),
    claim_window_months=st.integers(0, 24),
    trainings_per_year=st.integers(1, 3),
)
facts = st.builds(
    dataclasses.replace,
    st.just(BASE),
    status=st.sampled_from(["enrolled", "active", "paused", "completed", "withdrawn"]),
    planned_months=st.integers(0, 120),
    target_level=st.integers(1, 5),
    claim_date=dates,
    certificates=st.lists(certificates, max_size=4).map(tuple),
    prior_payments=st.lists(
        st.builds(PaymentFacts, st.just(WELDER), st.integers(1, 5), st.integers(2015, 2030)),
        max_size=2,
    ).map(tuple),
    special_approval=st.one_of(st.none(), st.just(SpecialApproval("x", dt.date(2024, 1, 1), "y"))),
)


@settings(max_examples=300, deadline=None)
@given(facts=facts, policy=policies)
def test_the_amount_is_fen_never_negative_never_above_the_capped_standard(facts, policy):
    line = assess(facts, policy).line
    assert isinstance(line.amount, Decimal) and line.amount.as_tuple().exponent == -2
    assert line.amount >= 0
    most = max([a for _k, _l, a in policy.standards] + [Decimal(0)])
    cap = max(policy.max_years, policy.max_years_with_approval)
    assert line.amount <= round_half_up(Fraction(most) * cap)
    assert line.amount <= round_half_up(Fraction(line.amount_per_year) * line.years)
    top = policy.max_years_with_approval if facts.special_approval else policy.max_years
    assert line.years == min(Fraction(facts.planned_months, 12), top)
    assert line.months == facts.planned_months


@given(months=st.integers(0, 1000), cap=st.integers(1, 5))
def test_years_are_months_over_twelve_capped(months, cap):
    assert years_of(months, cap) == min(Fraction(months, 12), Fraction(cap))


@given(st.fractions(min_value=0, max_value=10**7))
def test_rounding_is_half_up_to_the_fen(value):
    rounded = round_half_up(value)
    assert abs(Fraction(rounded) - value) <= Fraction(1, 200)
    assert rounded.as_tuple().exponent == -2


def test_half_a_fen_rounds_up():
    assert round_half_up(Fraction(5, 1000)) == Decimal("0.01")
    assert round_half_up(Fraction(4999, 1000000)) == Decimal("0.00")


def test_a_float_standard_is_refused():
    with pytest.raises(TypeError):
        PolicyFacts(version="x", standards=(("skill_level", 3, 6000.0),))  # type: ignore[arg-type]


def test_the_level_paid_is_capped_at_the_target():
    facts = dataclasses.replace(BASE, target_level=4)
    assert assess(facts, POLICY).line.level == 4
