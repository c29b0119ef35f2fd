"""What views with a form share: a refused request shown on the form, and the page's status.

A service refuses what the rules do not allow with an exception from its app's
`exceptions.py`, its message written for the visitor; the view shows it as the
form's error and renders the form again.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@contextmanager
def refusal_as_form_error(form: forms.Form, *refusals: type[Exception]) -> Iterator[None]:
    """Runs the block (a service call, then the answer to success); a refusal of one of
    the given kinds stops it and becomes the form's error."""
    try:
        yield
    except refusals as exc:
        form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))


def form_page(
    request: HttpRequest, template: str, form: forms.Form, context: dict[str, object]
) -> HttpResponse:
    """The page of a form: 200 as first shown, 400 when it comes back with errors (a
    form bound to a POST is rendered again only then)."""
    return render(
        request, template, {**context, "form": form}, status=400 if form.is_bound else 200
    )
