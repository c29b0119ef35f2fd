from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from solidaria.core import views as core_views
from solidaria.core.payments import webhooks as stripe_webhooks
from solidaria.core.rendering import worldmap

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    # Not under a language prefix: Stripe posts here, about funds' gifts and rounds' orders.
    path("stripe/webhook/", stripe_webhooks.stripe_webhook, name="stripe-webhook"),
    path("", include("solidaria.mailing.urls")),
    path("anymail/", include("anymail.urls")),
    # The world's outline under every map: named by its content, cached for a year.
    path("map/world-<slug:version>.svg", worldmap.outline_view, name="world-map-outline"),
]

if getattr(settings, "DEV_OUTBOX", False):
    urlpatterns += [
        path("dev/outbox/", core_views.dev_outbox, name="dev-outbox"),
        path("dev/outbox/<str:name>/", core_views.dev_outbox_message, name="dev-outbox-message"),
    ]

if settings.SERVE_MEDIA:
    # Small sites serve uploads from the app; larger ones let the proxy or object storage do it.
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]

urlpatterns += i18n_patterns(
    path("", include("solidaria.campaigns.urls")),
    path("", include("solidaria.petitions.urls")),
    path("", include("solidaria.fundraising.urls")),
    path("", include("solidaria.events.urls")),
    path("", include("solidaria.supporters.urls")),
    path("", include("solidaria.committee.urls")),
    path("", include("solidaria.cooperatives.urls")),
    prefix_default_language=True,
)

handler400 = "solidaria.core.views.bad_request"
handler403 = "solidaria.core.views.permission_denied"
handler404 = "solidaria.core.views.page_not_found"
handler500 = "solidaria.core.views.server_error"
