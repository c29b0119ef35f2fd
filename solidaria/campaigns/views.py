from __future__ import annotations

from csp.decorators import csp_update
from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt

from solidaria.core.web.formguard import cross_site_refusal
from solidaria.core.web.middleware import public_page
from solidaria.organisations.selectors import contact_email_for

from .forms import MastodonShareForm
from .selectors import campaign_get_public, campaign_list_public
from .share import mastodon_share_url, share_links

CAMPAIGNS_PER_PAGE = 12


@public_page
def campaign_list(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(campaign_list_public(), CAMPAIGNS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "campaigns/campaign_list.html", {"page": page})


@public_page
def campaign_detail(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_get_public(slug=slug)
    url = f"{settings.SITE_URL}{request.path}"
    title = str(campaign.text.title)
    context = {
        "campaign": campaign,
        "updates": campaign.public_updates,  # type: ignore[attr-defined]  # set by the selector
        "partners": list(campaign.partners.all()),
        "contact_email": contact_email_for(campaign.owner, request.LANGUAGE_CODE),
        "share_links": share_links(url=url, title=title),
        "canonical_url": url,
    }
    return render(request, "campaigns/campaign_detail.html", context)


@csrf_exempt  # see core.web.formguard: checked by Origin, as the other public forms
# Browsers hold the redirect after a form to the page's form-action: this one
# leads to the visitor's own server, whichever it is.
@csp_update({"form-action": ["https:"]})
def share_mastodon(request: HttpRequest) -> HttpResponse:
    """Asks for the visitor's Mastodon server, then sends them to its share page.

    Only a form sent from this page leads away from the site: an address with
    `?instance=` in it shows the form filled in, never a redirect, so nobody can
    use this page to send people elsewhere."""
    if request.method != "POST":
        form = MastodonShareForm(initial=request.GET.dict())
        return render(request, "campaigns/share_mastodon.html", {"form": form})
    if (refused := cross_site_refusal(request)) is not None:
        return refused
    form = MastodonShareForm(request.POST)
    if form.is_valid():
        target = mastodon_share_url(
            instance=form.cleaned_data["instance"], text=form.cleaned_data["text"]
        )
        if target is not None:
            return redirect(target)
        form.add_error("instance", MastodonShareForm.INVALID_HOST)
    return render(request, "campaigns/share_mastodon.html", {"form": form}, status=400)
