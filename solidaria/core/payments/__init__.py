"""Card payments through Stripe, as far as every app shares them.

`client`: whether card payments are configured, and the one way to talk to
Stripe's API. `checkout`: Checkout Sessions made and closed, Stripe's errors
turned into `exceptions.PaymentUnavailable`, the payer's one refusal. `events`:
the apps' handlers for Stripe's events, each event applied once, and what they
read of Stripe's objects alike (ids, disputes). `webhooks`: `/stripe/webhook/`,
where Stripe posts those events.
An app that takes cards (a fund's gifts, a round's orders) builds its Checkout
Sessions' parameters, marks them with its `kind` in their metadata, has
`checkout` make them, and registers its handlers from its `AppConfig.ready`.
"""
