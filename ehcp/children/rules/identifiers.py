"""A child's identifiers, checked and written one way: pure functions over strings (no ORM).

Each `normalise_*` takes what a person typed and returns the identifier in its stored form, or
raises `IdentifierError` with a message fit to show them (GOV.UK style). Spaces and hyphens that
people type for readability ("943 476 5919") are accepted and dropped.

- NHS number: 10 digits, the last a modulus 11 check digit (NHS Data Dictionary, "NHS Number").
- UPN: the DfE's unique pupil number, 13 characters: a check letter, then 11 digits, then a digit
  (a permanent UPN) or a letter (a temporary one). The check letter is the weighted sum of
  characters 2 to 13 (weights 2 to 13; a letter counts as its position in `UPN_LETTERS`),
  modulo 23, as a letter of `UPN_LETTERS` (DfE, "Unique pupil numbers (UPN): guidance").
- Postcode: the UK shape (outward code of 2 to 4 characters, a space, inward code of a digit
  and two letters), stored upper case with one space: "SW1A 1AA".
"""

import re

# The 23 letters a UPN uses: no I, O or S (they look like 1, 0 and 5).
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"

_SEPARATORS = re.compile(r"[\s\-]+")
_POSTCODE = re.compile(r"^(GIR0AA|[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2})$")


class IdentifierError(ValueError):
    """What is wrong with the identifier, in words for the person who typed it."""


def _compact(value: str) -> str:
    return _SEPARATORS.sub("", value or "").upper()


# -- NHS number ----------------------------------------------------------------------------------


def nhs_check_digit(first_nine: str) -> int | None:
    """The modulus 11 check digit of the first 9 digits, or None if no NHS number can start so
    (the check digit would be 10). Weights 10 down to 2; 11 - (sum mod 11); 11 becomes 0."""
    if len(first_nine) != 9 or not first_nine.isdigit():
        raise ValueError("nhs_check_digit takes exactly 9 digits")
    total = sum(
        int(digit) * weight for digit, weight in zip(first_nine, range(10, 1, -1), strict=True)
    )
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def is_valid_nhs_number(value: str) -> bool:
    digits = _compact(value)
    return len(digits) == 10 and digits.isdigit() and nhs_check_digit(digits[:9]) == int(digits[9])


def normalise_nhs_number(value: str) -> str:
    """'943 476 5919' -> '9434765919'; an empty value stays empty."""
    digits = _compact(value)
    if not digits:
        return ""
    if not digits.isdigit() or len(digits) != 10:
        raise IdentifierError("NHS number must be 10 digits, like 943 476 5919")
    if not is_valid_nhs_number(digits):
        raise IdentifierError("Enter a real NHS number: check the digits you have typed")
    return digits


# -- UPN -----------------------------------------------------------------------------------------


def upn_check_letter(last_twelve: str) -> str:
    """The check letter for characters 2 to 13 of a UPN (11 digits, then a digit or a letter)."""
    if len(last_twelve) != 12 or not last_twelve[:11].isdigit():
        raise ValueError("upn_check_letter takes 11 digits and a digit or letter")
    last = last_twelve[11]
    if last.isdigit():
        values = [int(char) for char in last_twelve]
    elif last in UPN_LETTERS:
        values = [int(char) for char in last_twelve[:11]] + [UPN_LETTERS.index(last)]
    else:
        raise ValueError(f"{last!r} is not a UPN letter")
    total = sum(value * weight for value, weight in zip(values, range(2, 14), strict=True))
    return UPN_LETTERS[total % 23]


def is_valid_upn(value: str) -> bool:
    upn = _compact(value)
    if len(upn) != 13 or upn[0] not in UPN_LETTERS or not upn[1:12].isdigit():
        return False
    if not (upn[12].isdigit() or upn[12] in UPN_LETTERS):
        return False
    return upn_check_letter(upn[1:]) == upn[0]


def normalise_upn(value: str) -> str:
    """' a123 4567 89012 ' -> 'A123456789012'; an empty value stays empty."""
    upn = _compact(value)
    if not upn:
        return ""
    shape_ok = (
        len(upn) == 13
        and upn[0].isalpha()
        and upn[1:12].isdigit()
        and (upn[12].isdigit() or upn[12].isalpha())
    )
    if not shape_ok:
        raise IdentifierError(
            "UPN must be 13 characters: a letter, then 12 numbers (the last can be a letter), "
            "like A123456789012"
        )
    if upn[0] not in UPN_LETTERS or (upn[12].isalpha() and upn[12] not in UPN_LETTERS):
        raise IdentifierError("Enter a real UPN: a UPN never contains the letters I, O or S")
    if not is_valid_upn(upn):
        raise IdentifierError("Enter a real UPN: the first letter does not match the numbers")
    return upn


# -- postcode ------------------------------------------------------------------------------------


def normalise_postcode(value: str) -> str:
    """'sw1a1aa' -> 'SW1A 1AA'; an empty value stays empty."""
    compact = _compact(value)
    if not compact:
        return ""
    if not _POSTCODE.match(compact):
        raise IdentifierError("Enter a real postcode, like SW1A 1AA")
    return f"{compact[:-3]} {compact[-3:]}"
