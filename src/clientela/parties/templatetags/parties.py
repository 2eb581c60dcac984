from django import template

from clientela.parties.brazil import format_phone, format_tax_id

register = template.Library()


@register.filter
def phone(value: str) -> str:
    return format_phone(value) if value else ""


@register.filter
def tax_id(value: str) -> str:
    return format_tax_id(value)


@register.filter
def party_tab_url(tab, party) -> str:
    return tab.url(party)
