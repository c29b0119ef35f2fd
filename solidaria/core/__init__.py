"""What every app stands on; it imports no domain app (import-linter checks).

Its rooms, each with a docstring saying what belongs there:

- `privacy`: encryption of personal data, the audit log, secret tokens.
- `web`: the front, request hygiene, the page cache, form protection.
- `db`: the SQLite backend, compiled INSERTs, durable tasks (performance
  machinery: measure before and after any change).
- `rendering`: charts, the world map, CSV, images, money, multilingual text.
- `mail`: the outbox and its delivery.
- `console`: the organisers' admin behind a second factor.

Django's own module names stay at the top: `models`, `admin`, `views`,
`tasks`, `checks`, `validators`, `context_processors`, `templatetags`,
`management`.
"""
