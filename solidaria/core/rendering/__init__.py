"""What pages and files show: drawn on the server, with no third-party request.

Belongs here: SVG charts (`charts`) and the world map (`worldmap`), CSV exports
that stream and neutralise formulas (`csvstream`), re-encoded uploaded images
(`images`), money in minor units (`money`) and organisers' multilingual text
(`i18n`).

Not here: anything that writes to the database, and any page or template of an
app. Functions here are pure or read-only, so they are tested without a server.
"""
