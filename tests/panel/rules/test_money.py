"""Money for the panel: typed amounts and shares, splitting a cost in pence, financial years."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from panel.rules.money import (
    FUNDER_LABELS,
    FUNDERS,
    PENCE,
    FinancialYear,
    Funder,
    MoneyError,
    annual_cost_per_funder,
    cost_in_year,
    financial_year,
    financial_year_from_label,
    format_money,
    overlap_days,
    parse_money,
    parse_percent,
    share_errors,
    split_cost,
)

E, H, S = Funder.EDUCATION, Funder.HEALTH, Funder.SOCIAL_CARE
D = Decimal

MONEY_FORMAT = "Enter an amount in pounds and pence, like 12,500.00"
MONEY_PENCE = "Enter an amount of no more than 2 decimal places (pence)"
MONEY_NEGATIVE = "Enter an amount of 0 or more"
MONEY_LIMIT = "Enter an amount under £100,000,000"


def shares(education, health, social_care):
    return {E: D(education), H: D(health), S: D(social_care)}


# Funders -------------------------------------------------------------------------------------


def test_funders_are_in_the_fixed_order_with_labels():
    assert FUNDERS == (Funder.EDUCATION, Funder.HEALTH, Funder.SOCIAL_CARE)
    assert [funder.label for funder in FUNDERS] == ["Education", "Health", "Social care"]
    assert FUNDER_LABELS[Funder.SOCIAL_CARE] == "Social care"
    assert PENCE == D("0.01")


@pytest.mark.parametrize(
    ("funder", "value"),
    [(E, "EDUCATION"), (H, "HEALTH"), (S, "SOCIAL_CARE")],
)
def test_funder_values_are_the_stored_strings(funder, value):
    assert funder == value
    assert Funder(value) is funder


# parse_money ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12345", "12345.00"),
        ("12,345.6", "12345.60"),
        ("£12,345.67", "12345.67"),
        (" 0.50 ", "0.50"),
        ("0", "0.00"),
        ("0.00", "0.00"),
        ("-0", "0.00"),
        (".5", "0.50"),
        ("12.", "12.00"),
        ("£ 10", "10.00"),
        ("1,000,000.00", "1000000.00"),
        ("99,999,999.99", "99999999.99"),
        ("99999999.99", "99999999.99"),
        ("12.500", "12.50"),
        ("0.1", "0.10"),
        ("007", "7.00"),
        ("\t£52,000\n", "52000.00"),
    ],
)
def test_parse_money_reads_pounds_and_pence(text, expected):
    value = parse_money(text)
    assert isinstance(value, Decimal)
    assert str(value) == expected
    assert value.as_tuple().exponent == -2


def test_parse_money_never_goes_through_float():
    # 0.1 + 0.2 is 0.30000000000000004 in float; in pence it is exactly 30p.
    assert parse_money("0.1") + parse_money("0.2") == D("0.30")
    assert parse_money("99,999,999.99") == D("99999999.99")
    assert parse_money("9999999.07") == D("9999999.07")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        None,
        "abc",
        "NaN",
        "nan",
        "sNaN",
        "Infinity",
        "inf",
        "-Infinity",
        "1e5",
        "12,34",
        "1,2345",
        "12345,00",
        ",123",
        "£",
        "12.34.56",
        "£12£",
        "1 000",
        "١٢",
        "0x10",
        "12p",
        "£-",
        "--5",
        "+5",
        "5-",
        ".",
    ],
)
def test_parse_money_refuses_what_is_not_an_amount(text):
    with pytest.raises(MoneyError) as error:
        parse_money(text)
    assert str(error.value) == MONEY_FORMAT


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("12.345", MONEY_PENCE),
        ("0.001", MONEY_PENCE),
        ("£1,000.999", MONEY_PENCE),
        ("12.5001", MONEY_PENCE),
        ("-5", MONEY_NEGATIVE),
        ("-£5.00", MONEY_NEGATIVE),
        ("£-5", MONEY_NEGATIVE),
        ("-0.01", MONEY_NEGATIVE),
        ("- 12,000", MONEY_NEGATIVE),
        ("100,000,000", MONEY_LIMIT),
        ("100000000.00", MONEY_LIMIT),
        ("123456789", MONEY_LIMIT),
        ("1" * 50, MONEY_LIMIT),
        ("1" * 50 + ".001", MONEY_PENCE),
    ],
)
def test_parse_money_says_what_is_wrong(text, message):
    with pytest.raises(MoneyError) as error:
        parse_money(text)
    assert str(error.value) == message
    assert isinstance(error.value, ValueError)


# format_money --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (D("12345.67"), "£12,345.67"),
        (D("0"), "£0.00"),
        (D("0.00"), "£0.00"),
        (D("-0.00"), "£0.00"),
        (D("-5"), "-£5.00"),
        (D("-1234.5"), "-£1,234.50"),
        (D("0.5"), "£0.50"),
        (D("0.01"), "£0.01"),
        (D("999"), "£999.00"),
        (D("1000"), "£1,000.00"),
        (D("1234567.8"), "£1,234,567.80"),
        (D("99999999.99"), "£99,999,999.99"),
        (D("999.995"), "£1,000.00"),
        (D("0.004"), "£0.00"),
        (D("1" * 40), "£" + f"{int('1' * 40):,}" + ".00"),
    ],
)
def test_format_money(amount, expected):
    assert format_money(amount) == expected


@pytest.mark.parametrize("text", ["12345", "0.50", "£99,999,999.99", "1,000", "0"])
def test_format_then_parse_gives_the_same_amount(text):
    amount = parse_money(text)
    assert parse_money(format_money(amount)) == amount


# parse_percent -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("33.33", "33.33"),
        ("33.33%", "33.33"),
        (" 50 % ", "50.00"),
        ("0", "0.00"),
        ("0%", "0.00"),
        ("100", "100.00"),
        ("100.00", "100.00"),
        ("0.01", "0.01"),
        (".5", "0.50"),
        ("33.340", "33.34"),
        ("-0", "0.00"),
    ],
)
def test_parse_percent(text, expected):
    value = parse_percent(text)
    assert str(value) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter a share as a percentage, like 33.33"),
        (None, "Enter a share as a percentage, like 33.33"),
        ("abc", "Enter a share as a percentage, like 33.33"),
        ("NaN", "Enter a share as a percentage, like 33.33"),
        ("1e2", "Enter a share as a percentage, like 33.33"),
        ("50%%", "Enter a share as a percentage, like 33.33"),
        ("%", "Enter a share as a percentage, like 33.33"),
        ("33,33", "Enter a share as a percentage, like 33.33"),
        ("-1", "Enter a share of 0 to 100%"),
        ("-0.5", "Enter a share of 0 to 100%"),
        ("100.01", "Enter a share of 0 to 100%"),
        ("101", "Enter a share of 0 to 100%"),
        ("100.001", "Enter a share of 0 to 100%"),
        ("33.333", "Enter a share to no more than 2 decimal places"),
        ("0.005%", "Enter a share to no more than 2 decimal places"),
    ],
)
def test_parse_percent_says_what_is_wrong(text, message):
    with pytest.raises(MoneyError) as error:
        parse_percent(text)
    assert str(error.value) == message


# share_errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "given",
    [
        shares("33.33", "33.33", "33.34"),
        shares("100", "0", "0"),
        shares("0", "0", "100"),
        shares("0.01", "0.01", "99.98"),
        shares("50.00", "25.00", "25.00"),
        {E: 50, H: 50, S: 0},
        {"EDUCATION": D(40), "HEALTH": D(30), "SOCIAL_CARE": D(30)},
    ],
)
def test_valid_shares_have_no_errors(given):
    assert share_errors(given) == []


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (
            {},
            [
                "Enter a share for Education",
                "Enter a share for Health",
                "Enter a share for Social care",
            ],
        ),
        ({E: D(50), S: D(50)}, ["Enter a share for Health"]),
        ({E: D(100), H: D(0)}, ["Enter a share for Social care"]),
        ({E: None, H: D(50), S: D(50)}, ["Enter a share for Education"]),
        (
            shares("50", "25", "24.99"),
            ["The shares must add up to exactly 100%: they add up to 99.99%"],
        ),
        (
            shares("33.33", "33.33", "33.33"),
            ["The shares must add up to exactly 100%: they add up to 99.99%"],
        ),
        (
            shares("50", "25", "25.01"),
            ["The shares must add up to exactly 100%: they add up to 100.01%"],
        ),
        (shares("30", "30", "30"), ["The shares must add up to exactly 100%: they add up to 90%"]),
        (
            shares("30.00", "30.00", "30.00"),
            ["The shares must add up to exactly 100%: they add up to 90%"],
        ),
        (shares("0", "0", "0"), ["The shares must add up to exactly 100%: they add up to 0%"]),
        (
            shares("50", "50", "0.5"),
            ["The shares must add up to exactly 100%: they add up to 100.5%"],
        ),
        (
            shares("100", "100", "100"),
            ["The shares must add up to exactly 100%: they add up to 300%"],
        ),
        (shares("-1", "51", "50"), ["Enter a share of 0 to 100% for Education"]),
        (shares("0", "100.01", "0"), ["Enter a share of 0 to 100% for Health"]),
        (
            shares("33.333", "33.333", "33.334"),
            [
                "Enter the share for Education to no more than 2 decimal places",
                "Enter the share for Health to no more than 2 decimal places",
                "Enter the share for Social care to no more than 2 decimal places",
            ],
        ),
        ({E: D("NaN"), H: D(50), S: D(50)}, ["Enter a share of 0 to 100% for Education"]),
        ({E: D("Infinity"), H: D(50), S: D(50)}, ["Enter a share of 0 to 100% for Education"]),
        (
            {H: D(150), S: D(50)},
            ["Enter a share for Education", "Enter a share of 0 to 100% for Health"],
        ),
    ],
)
def test_share_errors(given, expected):
    assert share_errors(given) == expected


def test_share_errors_refuses_a_key_that_is_not_a_funder():
    with pytest.raises(ValueError, match="Not a funder"):
        share_errors({E: D(50), H: D(25), S: D(25), "LIBRARY": D(0)})


def test_share_errors_refuses_float_shares():
    with pytest.raises(TypeError):
        share_errors({E: 33.33, H: D("33.33"), S: D("33.34")})


# split_cost ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "given", "expected"),
    [
        # 1p split three ways: the largest remainder wins.
        ("0.01", shares("33.33", "33.33", "33.34"), ("0.00", "0.00", "0.01")),
        ("0.01", shares("33.34", "33.33", "33.33"), ("0.01", "0.00", "0.00")),
        ("0.01", shares("33.33", "33.34", "33.33"), ("0.00", "0.01", "0.00")),
        ("0.01", shares("0.01", "0.01", "99.98"), ("0.00", "0.00", "0.01")),
        # Equal remainders: the tie goes by FUNDERS order.
        ("0.02", shares("33.33", "33.33", "33.34"), ("0.01", "0.00", "0.01")),
        ("0.01", shares("50", "50", "0"), ("0.01", "0.00", "0.00")),
        ("0.01", shares("0", "50", "50"), ("0.00", "0.01", "0.00")),
        ("0.01", shares("50", "0", "50"), ("0.01", "0.00", "0.00")),
        ("0.03", shares("0", "50", "50"), ("0.00", "0.02", "0.01")),
        ("0.05", shares("33.33", "33.33", "33.34"), ("0.02", "0.01", "0.02")),
        ("0.02", shares("33.34", "33.33", "33.33"), ("0.01", "0.01", "0.00")),
        # Totals that divide exactly.
        ("100.00", shares("33.33", "33.33", "33.34"), ("33.33", "33.33", "33.34")),
        ("10.00", shares("33.33", "33.33", "33.34"), ("3.33", "3.33", "3.34")),
        ("10.01", shares("33.33", "33.33", "33.34"), ("3.34", "3.33", "3.34")),
        ("12345.67", shares("50", "25", "25"), ("6172.83", "3086.42", "3086.42")),
        ("52000.00", shares("60", "40", "0"), ("31200.00", "20800.00", "0.00")),
        (
            "99999999.99",
            shares("33.33", "33.33", "33.34"),
            ("33330000.00", "33330000.00", "33339999.99"),
        ),
        # One funder pays everything; nothing to share.
        ("1234.56", shares("100", "0", "0"), ("1234.56", "0.00", "0.00")),
        ("1234.57", shares("0", "0", "100"), ("0.00", "0.00", "1234.57")),
        ("0.00", shares("33.33", "33.33", "33.34"), ("0.00", "0.00", "0.00")),
        ("0", shares("50", "50", "0"), ("0.00", "0.00", "0.00")),
    ],
)
def test_split_cost(total, given, expected):
    parts = split_cost(D(total), given)
    assert list(parts) == list(FUNDERS)
    assert [str(parts[funder]) for funder in FUNDERS] == list(expected)
    assert sum(parts.values()) == D(total)


SHARE_SETS = [
    shares("33.33", "33.33", "33.34"),
    shares("33.34", "33.33", "33.33"),
    shares("50", "50", "0"),
    shares("0", "0.01", "99.99"),
    shares("12.5", "37.5", "50"),
    shares("70.01", "19.99", "10"),
    shares("0.01", "0.01", "99.98"),
    shares("1", "1", "98"),
]
TOTALS = [
    "0.01",
    "0.02",
    "0.03",
    "0.04",
    "0.07",
    "0.99",
    "1.00",
    "1.01",
    "333.33",
    "1000.01",
    "52345.67",
    "99999999.99",
]


@pytest.mark.parametrize("given", SHARE_SETS)
@pytest.mark.parametrize("total", TOTALS)
def test_split_cost_adds_up_and_is_within_a_penny_of_the_exact_share(total, given):
    parts = split_cost(D(total), given)
    assert sum(parts.values()) == D(total)
    for funder in FUNDERS:
        exact = D(total) * given[funder] / 100
        assert abs(parts[funder] - exact) < PENCE
        assert parts[funder] >= 0
        assert parts[funder].as_tuple().exponent == -2
        if given[funder] == 0:
            assert parts[funder] == 0


@pytest.mark.parametrize(
    ("total", "given"),
    [
        ("100", shares("50", "25", "24.99")),
        ("100", {E: D(100)}),
        ("100", shares("33.333", "33.333", "33.334")),
        ("-0.01", shares("50", "50", "0")),
        ("1.005", shares("50", "50", "0")),
        ("NaN", shares("50", "50", "0")),
    ],
)
def test_split_cost_refuses_bad_shares_or_totals(total, given):
    with pytest.raises(ValueError):
        split_cost(D(total), given)


def test_split_cost_names_the_share_problem():
    with pytest.raises(ValueError, match="they add up to 99.99%"):
        split_cost(D("100"), shares("50", "25", "24.99"))


@pytest.mark.parametrize(
    ("total", "given"),
    [("52000.00", shares("50", "25", "25")), ("0.01", shares("33.33", "33.33", "33.34"))],
)
def test_annual_cost_per_funder_is_split_cost(total, given):
    assert annual_cost_per_funder(D(total), given) == split_cost(D(total), given)


# Financial years -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "label", "starts_on", "ends_on"),
    [
        (date(2026, 4, 1), "2026-27", date(2026, 4, 1), date(2027, 3, 31)),
        (date(2026, 3, 31), "2025-26", date(2025, 4, 1), date(2026, 3, 31)),
        (date(2027, 3, 31), "2026-27", date(2026, 4, 1), date(2027, 3, 31)),
        (date(2027, 4, 1), "2027-28", date(2027, 4, 1), date(2028, 3, 31)),
        (date(2026, 12, 31), "2026-27", date(2026, 4, 1), date(2027, 3, 31)),
        (date(2027, 1, 1), "2026-27", date(2026, 4, 1), date(2027, 3, 31)),
        (date(2028, 2, 29), "2027-28", date(2027, 4, 1), date(2028, 3, 31)),
        (date(2099, 4, 1), "2099-00", date(2099, 4, 1), date(2100, 3, 31)),
        (date(2100, 1, 1), "2099-00", date(2099, 4, 1), date(2100, 3, 31)),
        (date(2000, 3, 31), "1999-00", date(1999, 4, 1), date(2000, 3, 31)),
        (date(2009, 6, 1), "2009-10", date(2009, 4, 1), date(2010, 3, 31)),
    ],
)
def test_financial_year(on, label, starts_on, ends_on):
    year = financial_year(on)
    assert (year.label, year.starts_on, year.ends_on) == (label, starts_on, ends_on)
    assert year.contains(on)
    assert financial_year_from_label(label) == year


@pytest.mark.parametrize(
    ("label", "days"),
    [
        ("2023-24", 366),  # 29 February 2024
        ("2024-25", 365),
        ("2025-26", 365),
        ("2026-27", 365),
        ("2027-28", 366),  # 29 February 2028
        ("1999-00", 366),  # 2000 was a leap year
        ("2099-00", 365),  # 2100 is not
    ],
)
def test_financial_year_days(label, days):
    assert financial_year_from_label(label).days == days


@pytest.mark.parametrize(
    ("day", "inside"),
    [
        (date(2026, 3, 31), False),
        (date(2026, 4, 1), True),
        (date(2026, 10, 1), True),
        (date(2027, 3, 31), True),
        (date(2027, 4, 1), False),
    ],
)
def test_financial_year_contains(day, inside):
    assert financial_year_from_label("2026-27").contains(day) is inside


@pytest.mark.parametrize("label", [" 2026-27 ", "2026–27", "2026/27"])
def test_financial_year_from_label_allows_spaces_dashes_and_slashes(label):
    assert financial_year_from_label(label).starts_on == date(2026, 4, 1)


@pytest.mark.parametrize(
    "label",
    [
        "",
        None,
        "2026",
        "2026-28",
        "2026-26",
        "2026-2027",
        "26-27",
        "abcd-ef",
        "2026 27",
        "9999-00",
        "0000-01",
        "2026-27-28",
    ],
)
def test_financial_year_from_label_refuses_other_text(label):
    with pytest.raises(MoneyError) as error:
        financial_year_from_label(label)
    assert str(error.value) == "Choose a financial year, like 2026-27"


@pytest.mark.parametrize(
    ("starts_on", "ends_on"),
    [
        (date(2026, 4, 2), date(2027, 3, 31)),
        (date(2026, 4, 1), date(2027, 4, 1)),
        (date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_financial_year_must_be_1_april_to_31_march(starts_on, ends_on):
    with pytest.raises(ValueError):
        FinancialYear(starts_on, ends_on)


# overlap_days and cost_in_year ---------------------------------------------------------------

FY_2026 = financial_year_from_label("2026-27")  # 365 days
FY_2027 = financial_year_from_label("2027-28")  # 366 days


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "days"),
    [
        (date(2026, 4, 1), date(2027, 3, 31), 365),
        (date(2020, 1, 1), None, 365),
        (date(2020, 1, 1), date(2030, 1, 1), 365),
        (date(2026, 10, 1), None, 182),
        (date(2026, 4, 1), date(2026, 9, 30), 183),
        (date(2027, 3, 31), date(2027, 3, 31), 1),
        (date(2027, 3, 31), None, 1),
        (date(2025, 1, 1), date(2026, 4, 1), 1),
        (date(2026, 4, 2), date(2027, 3, 30), 363),
        (date(2025, 1, 1), date(2026, 3, 31), 0),
        (date(2027, 4, 1), None, 0),
        (date(2027, 4, 1), date(2028, 1, 1), 0),
        (date(2026, 6, 1), date(2026, 5, 1), 0),
    ],
)
def test_overlap_days(starts_on, ends_on, days):
    assert overlap_days(starts_on, ends_on, FY_2026.starts_on, FY_2026.ends_on) == days


@pytest.mark.parametrize(
    ("annual", "starts_on", "ends_on", "year", "expected"),
    [
        # The whole year costs exactly the annual cost, leap year or not.
        ("12000.00", date(2026, 4, 1), date(2027, 3, 31), FY_2026, "12000.00"),
        ("12000.00", date(2020, 1, 1), None, FY_2026, "12000.00"),
        ("12345.67", date(2027, 4, 1), None, FY_2027, "12345.67"),
        ("99999999.99", date(2027, 4, 1), date(2028, 3, 31), FY_2027, "99999999.99"),
        # Open-ended from mid-year; ending mid-year; both sides of a year end.
        ("36500.00", date(2026, 10, 1), None, FY_2026, "18200.00"),
        ("36500.00", date(2026, 4, 1), date(2026, 9, 30), FY_2026, "18300.00"),
        ("36500.00", date(2026, 10, 1), date(2027, 9, 30), FY_2026, "18200.00"),
        ("36500.00", date(2026, 10, 1), date(2027, 9, 30), FY_2027, "18250.00"),
        # One day: 10000 / 365 = 27.397..., 10000 / 366 = 27.322...
        ("10000.00", date(2027, 3, 31), None, FY_2026, "27.40"),
        ("10000.00", date(2028, 3, 31), None, FY_2027, "27.32"),
        # Exact half pennies round up (183 of 366 days is exactly half).
        ("0.01", date(2027, 4, 1), date(2027, 9, 30), FY_2027, "0.01"),
        ("0.05", date(2027, 4, 1), date(2027, 9, 30), FY_2027, "0.03"),
        ("0.03", date(2027, 4, 1), date(2027, 9, 30), FY_2027, "0.02"),
        # Outside the year.
        ("50000.00", date(2025, 1, 1), date(2026, 3, 31), FY_2026, "0.00"),
        ("50000.00", date(2027, 4, 1), None, FY_2026, "0.00"),
        ("0", date(2026, 4, 1), None, FY_2026, "0.00"),
    ],
)
def test_cost_in_year(annual, starts_on, ends_on, year, expected):
    cost = cost_in_year(D(annual), starts_on, ends_on, year)
    assert str(cost) == expected


@pytest.mark.parametrize("day", [date(2026, 4, 1) + timedelta(days=n) for n in range(0, 365, 29)])
def test_cost_in_year_never_exceeds_the_annual_cost(day):
    annual = D("12345.67")
    before = cost_in_year(annual, FY_2026.starts_on, day, FY_2026)
    after = cost_in_year(annual, day + timedelta(days=1), None, FY_2026)
    assert D(0) <= before <= annual
    # Split at any day, the two parts are within a penny of the whole (each rounds once).
    assert abs(before + after - annual) <= PENCE


@pytest.mark.parametrize("annual", ["-0.01", "1.001", "NaN"])
def test_cost_in_year_refuses_bad_amounts(annual):
    with pytest.raises(ValueError):
        cost_in_year(D(annual), date(2026, 4, 1), None, FY_2026)
