"""Parties in bulk for list, pagination and query-count tests."""

import factory

from clientela.parties.models import Party


class PartyFactory(factory.django.DjangoModelFactory):
    """A customer with a plain name; pass `owner` and `unit`."""

    class Meta:
        model = Party

    kind = "person"
    name = factory.Sequence(lambda n: f"Cliente {n:04d}")
    city = "Ribeirão Preto"
    state = "SP"
    phones = factory.Sequence(lambda n: [f"+5516991{n:06d}"])

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        party = model_class(*args, **kwargs)
        # The search columns are filled by the model, as every writer must.
        party.refresh_search_columns()
        party.save()
        return party
