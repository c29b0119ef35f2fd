"""The privacy kernel: how personal data is kept, and who touched it.

Belongs here: encryption of personal values and their blind indexes (`pii`),
the model fields built on it (`fields`), re-encryption under a new key
(`pii_rotation`), the audit log (`audit`), the hashed secret tokens in emailed
links (`tokens`) and the storage for files that must never be public
(`storage`).

Not here: anything that decides *whose* data to keep or erase; that is a domain
decision and lives in the apps (supporters, petitions, ...). A change here can
make stored data unreadable: every function has tests, and `rotate_pii_key`
must keep working across every change.
"""
