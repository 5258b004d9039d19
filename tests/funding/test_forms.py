"""Amounts as people type them in Germany, and what is refused."""

from decimal import Decimal

import pytest
from django import forms

from funding.forms import EuroField


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("21.150,00", Decimal("21150.00")),
        ("21150,00", Decimal("21150.00")),
        ("21150.00", Decimal("21150.00")),
        ("21.150,00 €", Decimal("21150.00")),
        ("1.300.000", Decimal("1300000")),
        (" 0,5 ", Decimal("0.5")),
    ],
)
def test_german_and_plain_amounts_are_read(typed: str, value: Decimal) -> None:
    assert EuroField().clean(typed) == value


@pytest.mark.parametrize("typed", ["abc", "1,2,3", "NaN", "Infinity", "12,345", "1e400"])
def test_nonsense_is_refused_with_a_message(typed: str) -> None:
    with pytest.raises(forms.ValidationError):
        EuroField().clean(typed)


def test_the_value_is_shown_the_german_way() -> None:
    class Form(forms.Form):
        amount = EuroField()

    html = str(Form(initial={"amount": Decimal("21150.00")})["amount"])
    assert 'value="21.150,00"' in html
