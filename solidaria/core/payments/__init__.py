"""Card payments through Stripe, as far as every app shares them.

`client`: whether card payments are configured, and the one way to talk to
Stripe's API. `events`: the apps' handlers for Stripe's events, each event
applied once. `webhooks`: `/stripe/webhook/`, where Stripe posts those events.
An app that takes cards (a fund's gifts, a round's orders) creates its own
Checkout Sessions with `client.stripe_client()`, marks them with its `kind`
in their metadata, and registers its handlers from its `AppConfig.ready`.
"""
