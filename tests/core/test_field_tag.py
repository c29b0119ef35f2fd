"""`{% field %}` lays out a form field: its label (a checkbox's after it), "*" for
what is required, its help and its errors, escaped, with the ids the widget's
aria-describedby names."""

from __future__ import annotations

from django import forms
from django.template import Context, Template

from solidaria.core.web import widgets


class Form(forms.Form):
    name = forms.CharField(label="Name <full>", help_text="As on your ID & passport")
    city = forms.CharField(label="City", required=False, widget=widgets.TextInput)
    agree = forms.BooleanField(label="I agree", required=False, widget=widgets.CheckboxInput)
    count = forms.IntegerField(label="How many", min_value=1, widget=widgets.NumberInput)


def drawn(template: str, **context: object) -> str:
    return Template("{% load fields %}" + template).render(Context(context))


def test_a_required_field_has_its_label_star_input_and_help() -> None:
    html = drawn("{% field form.name %}", form=Form())
    assert html == (
        '<div class="field">\n'
        '<label for="id_name">Name &lt;full&gt; '
        '<span class="required" aria-hidden="true">*</span></label>\n'
        '<input type="text" name="name" required aria-describedby="id_name_helptext" '
        'id="id_name">\n'
        '<p class="help" id="id_name_helptext">As on your ID &amp; passport</p>\n'
        "</div>"
    )


def test_an_optional_field_has_no_star() -> None:
    html = drawn("{% field form.city %}", form=Form())
    assert '<label for="id_city">City</label>' in html
    assert "required" not in html


def test_a_checkbox_comes_before_its_label_which_can_be_replaced() -> None:
    html = drawn("{% field form.agree label=wording %}", form=Form(), wording="Keep me <posted>")
    assert html == (
        '<div class="field field-check">\n'
        '<input type="checkbox" name="agree" id="id_agree"> '
        '<label for="id_agree">Keep me &lt;posted&gt;</label>\n'
        "</div>"
    )
    assert "I agree" in drawn("{% field form.agree %}", form=Form())


def test_errors_are_marked_escaped_and_named_by_the_input() -> None:
    form = Form({"name": "Ana", "count": "0"})
    assert not form.is_valid()
    form.add_error("count", "Not <this> one")
    html = drawn("{% field form.count %}", form=form)
    assert html.startswith('<div class="field field-error">')
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_count_error"' in html
    assert (
        '<div class="errors" id="id_count_error">'
        '<p class="error" role="alert">Ensure this value is greater than or equal to 1.</p>'
        '<p class="error" role="alert">Not &lt;this&gt; one</p></div>\n</div>'
    ) in html


def test_a_form_looped_over_draws_each_field_in_order() -> None:
    html = drawn("{% for f in form %}{% field f %}{% endfor %}", form=Form())
    assert html.count('<div class="field') == 4
    labels = ['for="id_name">Name', 'for="id_city">City', 'for="id_agree">I agree',
              'for="id_count">How many']  # fmt: skip
    places = [html.index(label) for label in labels]
    assert places == sorted(places)
    assert html.index('<input type="checkbox"') < html.index('for="id_agree">I agree')
