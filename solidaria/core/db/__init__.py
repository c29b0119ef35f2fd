"""Database machinery: performance work to handle with care.

Belongs here: the SQLite backend that queues writers on a kernel lock
(`sqlite_backend`), the scheduler's SQLite upkeep (`sqlite`), the compiled
INSERT used on the signing hot path (`rows`), durable task enqueueing
(`tasking`) and updates of many rows in short transactions (`batches`).

Not here: queries about domain models (they are each app's `selectors`).
Everything here is measured by the benchmarks in `bench/`: run them side by
side before and after any change, on SQLite and PostgreSQL.
"""
