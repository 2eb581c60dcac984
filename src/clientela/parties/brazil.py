"""Brazilian registry rules: CPF/CNPJ, CEP and states (via stdnum).

Phones live in clientela.core.phones (users have them too); their names stay importable
from here.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.br import cnpj, cpf

from clientela.core.phones import (  # noqa: F401 - the registry's phone rules, re-exported
    _with_ninth_digit,
    format_phone,
    normalize_phone,
    normalize_phone_with_notice,
)
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
