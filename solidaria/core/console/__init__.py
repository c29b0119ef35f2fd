"""The organisers' console: the Django admin behind a second factor.

Belongs here: the admin site (`admin_site`), its app config (`admin_config`)
and the second-factor views (`otp_views`).

Not here: admin classes of domain models (each app's `admin.py`); the shared
scoping of organisation staff lives in `organisations.admin`.
"""
