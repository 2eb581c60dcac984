"""Brazilian registry rules: CPF/CNPJ, phones, CEP and states (via stdnum and phonenumbers)."""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.br import cnpj, cpf

from clientela.core.text import digits

STATES = {
    "AC": "Acre",
    "AL": "Alagoas",
    "AP": "Amapá",
    "AM": "Amazonas",
    "BA": "Bahia",
    "CE": "Ceará",
    "DF": "Distrito Federal",
    "ES": "Espírito Santo",
    "GO": "Goiás",
    "MA": "Maranhão",
    "MT": "Mato Grosso",
    "MS": "Mato Grosso do Sul",
    "MG": "Minas Gerais",
    "PA": "Pará",
    "PB": "Paraíba",
    "PR": "Paraná",
    "PE": "Pernambuco",
    "PI": "Piauí",
    "RJ": "Rio de Janeiro",
    "RN": "Rio Grande do Norte",
    "RS": "Rio Grande do Sul",
    "RO": "Rondônia",
    "RR": "Roraima",
    "SC": "Santa Catarina",
    "SP": "São Paulo",
    "SE": "Sergipe",
    "TO": "Tocantins",
}
STATE_CHOICES = [(uf, f"{uf} – {name}") for uf, name in STATES.items()]


def normalize_cpf(value: str) -> str:
    number = cpf.compact(value)
    # stdnum accepts repeated digits such as 111.111.111-11; the Receita does not issue them.
    if not cpf.is_valid(number) or len(set(number)) == 1:
        raise ValidationError(_("Enter a valid CPF (11 digits with correct check digits)."))
    return number


def normalize_cnpj(value: str) -> str:
    number = cnpj.compact(value)
    if not cnpj.is_valid(number) or len(set(number)) == 1:
        raise ValidationError(_("Enter a valid CNPJ (14 characters with correct check digits)."))
    return number


def normalize_tax_id(value: str | None, kind: str) -> str | None:
    """Canonical CPF (person) or CNPJ (company); None for empty."""
    if value is None or not str(value).strip():
        return None
    if kind == "person":
        if cnpj.is_valid(cnpj.compact(value)):
            raise ValidationError(
                _(
                    "This is a CNPJ, the number of a company: change the kind to Company, "
                    "or enter the person's CPF."
                )
            )
        return normalize_cpf(value)
    if cpf.is_valid(cpf.compact(value)) and len(set(cpf.compact(value))) > 1:
        raise ValidationError(
            _(
                "This is a CPF, the number of a person: change the kind to Person, "
                "or enter the company's CNPJ."
            )
        )
    return normalize_cnpj(value)


def alphanumeric_cnpj(query: str) -> str | None:
    """The canonical form of a query that is a whole alphanumeric CNPJ, punctuated or not."""
    number = cnpj.compact(query or "")
    if len(number) == 14 and not number.isdigit() and cnpj.is_valid(number):
        return number
    return None


def format_tax_id(value: str | None) -> str:
    if not value:
        return ""
    if len(value) == 11:
        return cpf.format(value)
    if len(value) == 14:
        return cnpj.format(value)
    return value


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


def normalize_zip(value: str, country: str = "BR") -> str:
    text = (value or "").strip()
    if not text:
        return ""
    if country != "BR":
        if len(text) > 9:
            raise ValidationError(_("Use at most 9 characters."))
        return text
    number = digits(text)
    if len(number) != 8 or not all(ch.isdigit() or ch in "-. " for ch in text):
        raise ValidationError(_("Enter a CEP of 8 digits, such as 01310-100."))
    return f"{number[:5]}-{number[5:]}"


def normalize_state(value: str, country: str = "BR") -> str:
    text = (value or "").strip().upper()
    if text and country == "BR" and text not in STATES:
        raise ValidationError(_("Enter a Brazilian state abbreviation (UF), such as SP."))
    if len(text) > 2:
        raise ValidationError(_("Enter the state or province as a code of up to 2 letters."))
    return text


EXEMPT = "ISENTO"


def normalize_registration(value: str, country: str = "BR") -> str:
    """A state or municipal registration (Inscrição Estadual / Municipal), or ISENTO."""
    text = " ".join((value or "").split())
    if not text:
        return ""
    if text.upper() in {EXEMPT, "ISENTA", "EXEMPT"}:
        return EXEMPT
    if len(text) > 20 or not all(ch.isascii() and (ch.isalnum() or ch in ".-/ ") for ch in text):
        raise ValidationError(
            _("Enter the registration number (digits, dots, dashes and slashes) or ISENTO.")
        )
    return text.upper()
