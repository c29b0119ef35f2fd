"""The web guard: what stands between a visitor's request and a view.

Belongs here: the ASGI front that reads bodies against a deadline (`front`),
request and response hygiene (`hygiene`), the anonymous page cache and the
private-page header (`middleware`), cross-site protection for forms on cached
pages (`formguard`), self-hosted proof of work (`altcha_check`), view
decorators and the carried query string shared by several apps, the base
of every public form (`forms`) and what views with a form share (`formviews`).

Not here: views and templates of any app, and anything that reads a domain
model. `front` and `middleware` sit on the hot path of every request: measure
with `make bench-pages` and `make bench-sign` before and after touching them.
"""
