"""NHS numbers, UPNs and postcodes: checked and normalised by pure functions. No database."""

import pytest

from ehcp.children.rules.identifiers import (
    UPN_LETTERS,
    IdentifierError,
    is_valid_nhs_number,
    is_valid_upn,
    nhs_check_digit,
    normalise_nhs_number,
    normalise_postcode,
    normalise_upn,
    upn_check_letter,
)

# -- NHS number ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("9434765919", "9434765919"),
        ("943 476 5919", "9434765919"),  # as printed on an NHS letter (issue 7)
        ("943-476-5919", "9434765919"),
        ("  943 476 5919  ", "9434765919"),
        ("943\t476\u00a05919", "9434765919"),
        ("401 023 2137", "4010232137"),
        ("999 000 0026", "9990000026"),  # the test range the demo uses
        ("1000000001", "1000000001"),  # 1 x 10 = 10; 11 - 10 = 1
        ("", ""),
        ("   ", ""),
    ],
)
def test_nhs_numbers_are_accepted_with_spaces_and_stored_as_ten_digits(typed, stored):
    assert normalise_nhs_number(typed) == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("943 476 5918", "Enter a real NHS number"),  # last digit wrong
        ("9434765991", "Enter a real NHS number"),  # two digits swapped
        ("4857773456", "Enter a real NHS number"),
        ("943476591", "NHS number must be 10 digits"),
        ("94347659190", "NHS number must be 10 digits"),
        ("943476591X", "NHS number must be 10 digits"),
        ("NHS 9434765919", "NHS number must be 10 digits"),
    ],
)
def test_nhs_numbers_that_are_not_real_are_refused_with_a_reason(typed, message):
    with pytest.raises(IdentifierError) as refused:
        normalise_nhs_number(typed)
    assert str(refused.value).startswith(message)
    assert not is_valid_nhs_number(typed)


@pytest.mark.parametrize(
    ("first_nine", "check"),
    [
        ("943476591", 9),
        ("401023213", 7),
        ("999000002", 6),
        ("000000000", 0),  # sum 0: 11 - 0 = 11, written 0
        ("123456789", None),  # sum 210, remainder 1: 11 - 1 = 10, so no such number
    ],
)
def test_nhs_check_digit_is_modulus_11(first_nine, check):
    assert nhs_check_digit(first_nine) == check


def test_no_nhs_number_has_check_digit_ten():
    with pytest.raises(IdentifierError, match="Enter a real NHS number"):
        normalise_nhs_number("1234567890")


# -- UPN -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("A123456789012", "A123456789012"),
        ("a123456789012", "A123456789012"),
        ("A123 4567 89012", "A123456789012"),
        ("M999200025001", "M999200025001"),
        ("Y99920002500A", "Y99920002500A"),  # a temporary UPN ends with a letter (A counts 0)
        ("", ""),
    ],
)
def test_upns_are_accepted_when_the_check_letter_matches(typed, stored):
    assert normalise_upn(typed) == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("B123456789012", "Enter a real UPN: the first letter does not match"),
        ("A123456789021", "Enter a real UPN: the first letter does not match"),
        ("Z99920002500A", "Enter a real UPN: the first letter does not match"),
        ("I123456789012", "Enter a real UPN: a UPN never contains the letters I, O or S"),
        ("Y99920002500O", "Enter a real UPN: a UPN never contains the letters I, O or S"),
        ("A12345678901", "UPN must be 13 characters"),
        ("1123456789012", "UPN must be 13 characters"),
        ("A1234567890123", "UPN must be 13 characters"),
        ("AB23456789012", "UPN must be 13 characters"),
    ],
)
def test_upns_that_are_not_real_are_refused_with_a_reason(typed, message):
    with pytest.raises(IdentifierError) as refused:
        normalise_upn(typed)
    assert str(refused.value).startswith(message)
    assert not is_valid_upn(typed)


def test_upn_check_letter_is_the_weighted_sum_modulo_23():
    # 1x2 + 2x3 + 3x4 + 4x5 + 5x6 + 6x7 + 7x8 + 8x9 + 9x10 + 0x11 + 1x12 + 2x13 = 368 = 16 x 23
    assert upn_check_letter("123456789012") == "A"
    # 9x2 + 9x3 + 9x4 + 2x5 + 0 + 0 + 0 + 2x9 + 5x10 + 0 + 0 + 1x13 = 172 = 7 x 23 + 11
    assert upn_check_letter("999200025001") == UPN_LETTERS[11] == "M"
    assert len(UPN_LETTERS) == 23 and not set("IOS") & set(UPN_LETTERS)


# -- postcode ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("SW1A 1AA", "SW1A 1AA"),
        ("sw1a1aa", "SW1A 1AA"),
        (" ec1a  1bb ", "EC1A 1BB"),
        ("M11AE", "M1 1AE"),
        ("b33 8th", "B33 8TH"),
        ("CR2 6XH", "CR2 6XH"),
        ("DN55 1PT", "DN55 1PT"),
        ("W1A 0AX", "W1A 0AX"),
        ("gir0aa", "GIR 0AA"),
        ("", ""),
    ],
)
def test_postcodes_are_stored_upper_case_with_one_space(typed, stored):
    assert normalise_postcode(typed) == stored


@pytest.mark.parametrize(
    "typed", ["SW1A", "1AA SW1", "SW1A 1A", "SW1A 1AAA", "S1 AAA", "ABC1 1AA", "SW1A-1AA!"]
)
def test_postcodes_that_are_not_uk_postcodes_are_refused(typed):
    with pytest.raises(IdentifierError, match="Enter a real postcode, like SW1A 1AA"):
        normalise_postcode(typed)
