"""Tests for xuetu.core.identifiers: pure functions, no database."""

import datetime
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import numdb
from stdnum.cn import ric, uscc

from xuetu.core.identifiers import (
    PROVINCE_PREFIXES,
    USCC_CHARSET,
    ResidentId,
    UsccCheck,
    check_uscc,
    make_resident_id,
    mask_id_number,
    normalise_id_number,
    normalise_mobile,
    normalise_uscc,
    parse_legacy_id,
    parse_resident_id,
    validate_mobile,
)

# numdb loads its data file on first use, which can exceed hypothesis' default deadline.
PROPERTY = settings(deadline=None, max_examples=200)

# Real Chongqing county-level codes (GB/T 2260) from the 500101..500243 range.
CHONGQING_AREAS = [f"5001{n:02d}" for n in range(1, 21)] + [f"5002{n:02d}" for n in range(21, 44)]
TODAY = datetime.date.today()


def with_check(body17: str) -> str:
    # stdnum's calc_check_digit ignores the last character of what it is given.
    return body17 + ric.calc_check_digit(body17 + "0")


def refusal_code(func: Callable[..., object], raw: str, **kwargs: object) -> str | None:
    with pytest.raises(ValidationError) as excinfo:
        func(raw, **kwargs)
    return excinfo.value.code


# --- resident ID: accepted -------------------------------------------------------------------

BEIJING_F = ResidentId("11010519491231002X", datetime.date(1949, 12, 31), "F", "北京市")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("11010519491231002X", BEIJING_F),
        (
            "440524188001010014",
            ResidentId("440524188001010014", datetime.date(1880, 1, 1), "M", "广东省"),
        ),
        ("11010519491231002x", BEIJING_F),
        ("１１０１０５１９４９１２３１００２Ｘ", BEIJING_F),
        ("１１０１０５１９４９１２３１００２ｘ", BEIJING_F),
        ("'11010519491231002X", BEIJING_F),
        ("\u3000 '110105 19491231 002x \u3000", BEIJING_F),
        ("\ufeff11010519491231002X\n", BEIJING_F),
    ],
)
def test_parse_resident_id_accepts(raw: str, expected: ResidentId) -> None:
    assert parse_resident_id(raw) == expected


def test_parse_resident_id_taiwan_prefix_known_without_province_name() -> None:
    number = with_check("83000019900101001")
    assert parse_resident_id(number).province == ""


def test_parse_resident_id_unknown_county_keeps_province_name() -> None:
    number = with_check("50999919900101001")
    assert parse_resident_id(number).province == "重庆市"


def test_normalise_id_number() -> None:
    assert normalise_id_number(" 'ｘ１ 2\u3000") == "X12"


# --- resident ID: refused --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("110105194912310021", "checksum"),
        ("11010519491231002Y", "format"),
        ("1101051949123100X2", "format"),
        ("1101051949123100", "format"),
        ("11010519491231002X1", "format"),
        ("", "format"),
        ("١١٠١٠٥١٩٤٩١٢٣١٠٠٢٠", "format"),  # Arabic-Indic digits pass str.isdigit()
        (with_check("11010519900230001"), "date"),  # 30 February
        (with_check("11010519901301001"), "date"),
        (with_check("11010517991231001"), "date"),  # before EARLIEST_BIRTH_YEAR
        (with_check("11010529990101001"), "future"),
        (with_check("99010519900101001"), "province"),
        (with_check("00010519900101001"), "province"),
        ("110105491231002", "legacy_15"),
        ("'１１０１０５４９１２３１００２", "legacy_15"),
    ],
)
def test_parse_resident_id_refuses(raw: str, code: str) -> None:
    assert refusal_code(parse_resident_id, raw) == code


def test_parse_resident_id_future_is_relative_to_today() -> None:
    number = with_check("11010520200102001")
    assert refusal_code(parse_resident_id, number, today=datetime.date(2020, 1, 1)) == "future"
    assert parse_resident_id(number, today=datetime.date(2020, 1, 2)).birth_date.day == 2


def test_stdnum_provinces_are_all_known() -> None:
    loc = numdb.get("cn/loc")
    stdnum_prefixes = {
        f"{n:02d}" for n in range(100) if any("province" in p for _, p in loc.info(f"{n:02d}0000"))
    }
    assert stdnum_prefixes <= PROVINCE_PREFIXES
    assert PROVINCE_PREFIXES - stdnum_prefixes == {"83"}


# --- legacy 15-digit -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "birth", "gender"),
    [
        ("110105491231002", datetime.date(1949, 12, 31), "F"),
        ("'５００１０１８５０６０１０１３ ", datetime.date(1985, 6, 1), "M"),
    ],
)
def test_parse_legacy_id(raw: str, birth: datetime.date, gender: str) -> None:
    parsed = parse_legacy_id(raw)
    assert (parsed.number, parsed.birth_date, parsed.gender) == (
        normalise_id_number(raw),
        birth,
        gender,
    )


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("11010549023000", "format"),
        ("11010519491231002X", "format"),
        ("110105490230002", "date"),
        ("990105491231002", "province"),
    ],
)
def test_parse_legacy_id_refuses(raw: str, code: str) -> None:
    assert refusal_code(parse_legacy_id, raw) == code


# --- make_resident_id and properties ---------------------------------------------------------

resident_ids = st.builds(
    make_resident_id,
    st.sampled_from(CHONGQING_AREAS),
    st.dates(min_value=datetime.date(1940, 1, 1), max_value=TODAY),
    st.integers(0, 99),
    gender=st.sampled_from(["M", "F"]),
)


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        (("50010", datetime.date(1990, 1, 1), 1), {"gender": "M"}),
        (("500101", datetime.date(1990, 1, 1), 100), {"gender": "M"}),
        (("500101", datetime.date(1990, 1, 1), 1), {"gender": "X"}),
    ],
)
def test_make_resident_id_rejects_bad_arguments(args: tuple, kwargs: dict) -> None:
    with pytest.raises(ValueError):
        make_resident_id(*args, **kwargs)


@PROPERTY
@given(
    area=st.sampled_from(CHONGQING_AREAS),
    birth=st.dates(min_value=datetime.date(1940, 1, 1), max_value=TODAY),
    seq=st.integers(0, 99),
    gender=st.sampled_from(["M", "F"]),
)
def test_make_resident_id_round_trips(
    area: str, birth: datetime.date, seq: int, gender: str
) -> None:
    number = make_resident_id(area, birth, seq, gender=gender)
    parsed = parse_resident_id(number)
    assert (parsed.number, parsed.birth_date, parsed.gender) == (number, birth, gender)
    assert parsed.province == "重庆市"
    assert ric.calc_check_digit(number) == number[-1]


@PROPERTY
@given(number=resident_ids, position=st.integers(0, 16), shift=st.integers(1, 9))
def test_single_digit_change_is_refused(number: str, position: int, shift: int) -> None:
    # MOD 11-2 weights are all non-zero mod 11, so any single substitution changes the check.
    digit = str((int(number[position]) + shift) % 10)
    tampered = number[:position] + digit + number[position + 1 :]
    with pytest.raises(ValidationError):
        parse_resident_id(tampered)


# --- masking ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("500101199001011234", "5001**********1234"),
        ("11010519491231002X", "1101**********002X"),
        ("110105491231002", "110*********002"),
        ("12345678", "12****78"),
        ("1234", "1**4"),
        ("123", "***"),
        ("", ""),
    ],
)
def test_mask_id_number(number: str, masked: str) -> None:
    assert mask_id_number(number) == masked


@given(st.text(alphabet="0123456789X", max_size=40))
def test_mask_reveals_at_most_first_and_last_four(number: str) -> None:
    masked = mask_id_number(number)
    assert len(masked) == len(number)
    revealed = [i for i, c in enumerate(masked) if c != "*"]
    assert len(revealed) <= 8
    assert all(i < 4 or i >= len(number) - 4 for i in revealed)
    assert all(masked[i] == number[i] for i in revealed)


# --- USCC ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "91110108551385082Q",
        "91110108551385082q",
        " 9111 0108 5513 8508 2Q\u3000",
        "９１１１０１０８５５１３８５０８２Ｑ",
    ],
)
def test_check_uscc_accepts(raw: str) -> None:
    assert check_uscc(raw) == UsccCheck("91110108551385082Q", True)


def test_check_uscc_letter_authority_code() -> None:
    # GB 32100 allows a letter as registration authority, which uscc.validate() would refuse.
    body = "N2500101MA1234567"
    assert check_uscc(body + uscc.calc_check_digit(body)).checksum_ok


def test_check_uscc_bad_check_character_is_a_warning() -> None:
    assert check_uscc("91110108551385082R") == UsccCheck("91110108551385082R", False)


@pytest.mark.parametrize(
    "raw",
    [
        "91110108551385082I",
        "9111010855138508OQ",
        "911101085513850Z2Q",
        "91110108551385S82Q",
        "9111010855138V082Q",
        "91110108551385082",
        "91110108551385082QQ",
        "",
    ],
)
def test_check_uscc_format(raw: str) -> None:
    assert refusal_code(check_uscc, raw) == "format"


def test_normalise_uscc() -> None:
    assert normalise_uscc(" ９１ａb\u3000") == "91AB"


@PROPERTY
@given(body=st.text(alphabet=USCC_CHARSET, min_size=17, max_size=17))
def test_uscc_check_character_property(body: str) -> None:
    good = uscc.calc_check_digit(body)
    assert check_uscc(body + good).checksum_ok
    for other in USCC_CHARSET.replace(good, ""):
        assert not check_uscc(body + other).checksum_ok


# --- mobile ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "13800138000",
        "+86 138 0013 8000",
        "+86-138-0013-8000",
        "0086 13800138000",
        "8613800138000",
        "(+86) 199 0000 0000",
        "１３８００１３８０００",
        " 138 0013 8000\u3000",
    ],
)
def test_validate_mobile_accepts(raw: str) -> None:
    assert len(validate_mobile(raw)) == 11
    assert validate_mobile(raw) == normalise_mobile(raw)


@pytest.mark.parametrize(
    "raw",
    ["12345678901", "1380013800", "138001380001", "23800138000", "+8612345678901", "", "86"],
)
def test_validate_mobile_refuses(raw: str) -> None:
    assert refusal_code(validate_mobile, raw) == "mobile"


def test_a_uscc_typed_with_an_excel_apostrophe_is_read():
    assert check_uscc("'91110108551385082Q").number == "91110108551385082Q"
