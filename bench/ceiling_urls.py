"""The signing benchmark's ceiling: the least a Django view can do for a signature.

It validates the fields the signing form posts with a plain Django form (the
country through the same set lookup the signing form uses) and INSERTs one row
into `bench_ceiling` in a transaction of its own, then answers 302, as signing
does. No middleware, no checks, no encryption: what is left is granian, Django's
request handling and one INSERT, on the same server and the same database.
"""

from __future__ import annotations

from django import forms
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from solidaria.core.web.forms import CountryChoiceField

TABLE = """CREATE TABLE IF NOT EXISTS bench_ceiling (
    id {serial} PRIMARY KEY,
    name varchar(200) NOT NULL,
    email varchar(254) NOT NULL,
    country varchar(2) NOT NULL,
    city varchar(100) NOT NULL,
    created timestamp NOT NULL
)"""


class CeilingForm(forms.Form):
    name = forms.CharField(max_length=200)
    email = forms.EmailField()
    country = CountryChoiceField()
    city = forms.CharField(max_length=100, required=False)
    form_token = forms.CharField()


@csrf_exempt
def sign(request: HttpRequest) -> HttpResponse:
    form = CeilingForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(form.errors.as_text())
    data = form.cleaned_data
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_ceiling (name, email, country, city, created)"
            " VALUES (%s, %s, %s, %s, %s)",
            [data["name"], data["email"], data["country"], data["city"], timezone.now()],
        )
    return HttpResponseRedirect("/thanks/")


def up(request: HttpRequest) -> HttpResponse:
    return HttpResponse("up")


urlpatterns = [path("sign/", sign), path("up/", up)]
