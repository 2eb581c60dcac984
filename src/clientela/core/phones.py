"""Phone numbers: any common way of writing one -> E.164, and back to how people read it.

Brazilian numbers are the default (a number without +country code is read as one); old
8-digit Brazilian mobiles gain the 9 every mobile got. Used by the party registry
(parties.brazil re-exports these names) and by users' own mobile numbers.
"""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def normalize_phone(value: str, region: str = "BR") -> str:
    """Any common way of writing a phone -> E.164 ('+5511987654321')."""
    return normalize_phone_with_notice(value, region)[0]


def normalize_phone_with_notice(value: str, region: str = "BR") -> tuple[str, str | None]:
    """(E.164, a notice for the user or None).

    Old Brazilian mobiles of 8 digits ("11 8765-4321", common in data from older
    systems) are stored with the leading 9 every mobile gained, and the notice says so.
    """
    text = (value or "").strip()
    if len(text) > 30:
        raise ValidationError(_("This phone number is too long."))
    try:
        number = phonenumbers.parse(text, region or "BR")
    except phonenumbers.NumberParseException:
        raise ValidationError(_("“%(value)s” is not a phone number.") % {"value": text}) from None
    notice = None
    if not phonenumbers.is_valid_number(number):
        upgraded = _with_ninth_digit(number)
        if upgraded is None:
            raise ValidationError(_("“%(value)s” is not a valid phone number.") % {"value": text})
        number = upgraded
        notice = _("%(old)s is an old 8-digit mobile: it was saved as %(new)s.") % {
            "old": text,
            "new": phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL),
        }
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), notice


def _with_ninth_digit(number: phonenumbers.PhoneNumber) -> phonenumbers.PhoneNumber | None:
    """A Brazilian 8-digit mobile (area code + 6…9 + 7 digits) with its 9, if that is valid."""
    national = str(number.national_number)
    if number.country_code != 55 or len(national) != 10 or national[2] not in "6789":
        return None
    candidate = phonenumbers.PhoneNumber(
        country_code=55, national_number=int(national[:2] + "9" + national[2:])
    )
    if phonenumbers.is_valid_number(candidate) and phonenumbers.number_type(candidate) in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        return candidate
    return None


# The two shapes nearly every stored Brazilian number has, written out because
# phonenumbers takes ~60 µs to parse and ~60 µs to format one (9% of a list page).
# The leading digits are phonenumbers' own for these formats; national numbers
# starting with 0 or 90 (prefixes it strips) are left to it. test_phone_format checks
# these against phonenumbers for every leading three digits.
_BR_MOBILE = re.compile(r"\+55((?:[16][1-9]|[2-578]\d|9[1-9]))(\d{5})(\d{4})")
_BR_LANDLINE = re.compile(
    r"\+55((?:[14689][1-9]|2[12478]|3[1-578]|5[13-5]|7[13-579]))([2-57]\d{3})(\d{4})"
)


def format_phone(e164: str) -> str:
    """National format for Brazilian numbers ('(11) 98765-4321'), international for others."""
    shape = _BR_MOBILE.fullmatch(e164) or _BR_LANDLINE.fullmatch(e164)
    if shape:
        return "({}) {}-{}".format(*shape.groups())
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    if number.country_code == 55:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


# What a mobile is to phonenumbers; some countries' plans (the US, Canada) cannot tell a
# mobile from a landline by the number.
_MOBILE_TYPES = (
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
)


def normalize_mobile(value: str, region: str = "BR") -> str:
    """A mobile number (for SMS) -> E.164: a Brazilian mobile written any common way (an old
    8-digit one gains its 9), or any country's mobile with its +country code."""
    text = (value or "").strip()
    try:
        e164 = normalize_phone(text, region)
    except ValidationError:
        raise ValidationError(
            _(
                "Enter a mobile number, such as (11) 98765-4321, or one from another country "
                "with its + code, such as +351 912 345 678."
            )
        ) from None
    if phonenumbers.number_type(phonenumbers.parse(e164, None)) not in _MOBILE_TYPES:
        raise ValidationError(
            _("%(value)s is not a mobile number: enter a mobile, such as (11) 98765-4321.")
            % {"value": format_phone(e164)}
        )
    return e164
