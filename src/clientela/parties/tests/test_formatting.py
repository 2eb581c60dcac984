"""How the list shows phones and links: the quick paths give what the slow ones gave."""

import random

import phonenumbers
import pytest
from django.urls import reverse, set_script_prefix

from clientela.parties.brazil import format_phone
from clientela.parties.templatetags.parties import party_url


def by_phonenumbers(e164: str) -> str:
    """format_phone as it was: phonenumbers alone."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    style = phonenumbers.PhoneNumberFormat
    return phonenumbers.format_number(
        number, style.NATIONAL if number.country_code == 55 else style.INTERNATIONAL
    )


def test_brazilian_numbers_look_as_phonenumbers_formats_them():
    rng = random.Random(5)
    # Every leading three digits, mobile and landline lengths, a few numbers each.
    for prefix in range(1000):
        for length in (10, 11):
            for _ in range(3):
                rest = "".join(rng.choice("0123456789") for _ in range(length - 3))
                e164 = f"+55{prefix:03d}{rest}"
                assert format_phone(e164) == by_phonenumbers(e164), e164


@pytest.mark.parametrize(
    ("e164", "shown"),
    [
        ("+5511987654321", "(11) 98765-4321"),
        ("+551133334444", "(11) 3333-4444"),
        ("+5508001234567", "0800 123 4567"),
        ("+5540031234", "4003-1234"),
        ("+14155552671", "+1 415-555-2671"),
        ("+351912345678", "+351 912 345 678"),
        ("not a phone", "not a phone"),
    ],
)
def test_other_numbers_are_left_to_phonenumbers(e164, shown):
    assert format_phone(e164) == shown == by_phonenumbers(e164)


def test_the_party_link_is_the_one_reverse_gives():
    for pk in (1, 42, 10**17):
        assert party_url(pk) == reverse("parties:detail", kwargs={"pk": pk})


def test_the_party_link_follows_the_script_prefix():
    set_script_prefix("/crm/")
    try:
        assert party_url(7) == "/crm/parties/7/" == reverse("parties:detail", args=[7])
    finally:
        set_script_prefix("/")
