"""The widgets core writes out in Python give the markup Django's own templates
give, for the values and attributes forms hand them."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms

from solidaria.core.web import widgets

PAIRS = [
    (widgets.TextInput, forms.TextInput),
    (widgets.EmailInput, forms.EmailInput),
    (widgets.NumberInput, forms.NumberInput),
    (widgets.HiddenInput, forms.HiddenInput),
    (widgets.CheckboxInput, forms.CheckboxInput),
]
VALUES: list[Any] = [None, "", "Ana María", 'say "hi" <b>&</b>', 7, 0, 1.5, True, False]
ATTRS: list[dict[str, Any]] = [
    {},
    {"id": "id_q_1", "required": True, "disabled": False},
    {"min": 0, "max": 99, "step": 1, "inputmode": "numeric", "aria-invalid": "true"},
    {"class": 'a "quoted" <class>', "aria-describedby": "id_q_1_error"},
]


@pytest.mark.parametrize(("ours", "djangos"), PAIRS)
@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize("attrs", ATTRS)
def test_the_markup_is_djangos(ours: Any, djangos: Any, value: Any, attrs: dict[str, Any]) -> None:
    widget_attrs = {"autocomplete": "name", "placeholder": "Ñandú & co"}
    assert ours(attrs=widget_attrs).render("field", value, attrs=attrs) == djangos(
        attrs=widget_attrs
    ).render("field", value, attrs=attrs)


def test_a_bound_field_with_an_error_renders_the_same() -> None:
    class Theirs(forms.Form):
        quantity = forms.IntegerField(widget=forms.NumberInput(attrs={"min": 0}))
        name = forms.CharField(widget=forms.TextInput)

    class Ours(forms.Form):
        quantity = forms.IntegerField(widget=widgets.NumberInput(attrs={"min": 0}))
        name = forms.CharField(widget=widgets.TextInput)

    data = {"quantity": "-x", "name": "<Ana>"}
    theirs, ours = Theirs(data), Ours(data)
    assert not theirs.is_valid() and not ours.is_valid()
    for name in ("quantity", "name"):
        assert str(ours[name]) == str(theirs[name])


CHOICES: list[list[Any]] = [
    [],
    [("", "—"), (1, "Mitte, Torstr. 1, Berlin (Mo–Fr 10–18)"), (2, "Altona & <Hafen>")],
    [("pickup", "I collect it"), ("shipping", 'Send it (5,00 €) "now"')],
    [
        ("Berlin", [(1, "Mitte"), (2, "Kreuzberg")]),
        ("Hamburg <Nord>", [(3, "Altona")]),
        (4, "Alone"),
    ],
]
CHOICE_WIDGETS = [(widgets.RadioSelect, forms.RadioSelect), (widgets.Select, forms.Select)]


@pytest.mark.parametrize(("ours", "djangos"), CHOICE_WIDGETS)
@pytest.mark.parametrize("choices", CHOICES)
@pytest.mark.parametrize("value", [None, "", 1, "2", "shipping", ["1", "3"]])
@pytest.mark.parametrize("attrs", ATTRS)
def test_choice_markup_is_djangos(
    ours: Any, djangos: Any, choices: list[Any], value: Any, attrs: dict[str, Any]
) -> None:
    assert ours(choices=choices).render("field", value, attrs=attrs) == djangos(
        choices=choices
    ).render("field", value, attrs=attrs)


@pytest.mark.parametrize(("ours", "djangos"), CHOICE_WIDGETS)
@pytest.mark.parametrize("data", [{}, {"where": "2"}, {"where": "<nowhere>"}])
def test_a_bound_choice_field_and_each_option_render_the_same(
    ours: Any, djangos: Any, data: dict[str, str]
) -> None:
    """As a template draws them: the whole field, or each option looped over."""
    choices = [("1", "Mitte"), ("2", "Altona & <Hafen>")]

    class Theirs(forms.Form):
        where = forms.ChoiceField(choices=choices, widget=djangos(attrs={"class": "choices"}))

    class Ours(forms.Form):
        where = forms.ChoiceField(choices=choices, widget=ours(attrs={"class": "choices"}))

    theirs, ours_form = Theirs(data or None), Ours(data or None)
    assert theirs.is_valid() == ours_form.is_valid()
    assert str(ours_form["where"]) == str(theirs["where"])
    assert [str(option) for option in ours_form["where"]] == [
        str(option) for option in theirs["where"]
    ]
    assert [option.tag() for option in ours_form["where"]] == [
        option.tag() for option in theirs["where"]
    ]
