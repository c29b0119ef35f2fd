"""The whole test database as text, as someone who stole a backup would read it."""

from __future__ import annotations

import os
import shutil
import subprocess

from django.db import connection

from tests.conftest import is_postgres


def database_dump() -> str:
    if is_postgres():
        pg_dump = shutil.which("pg_dump")
        assert pg_dump, "pg_dump is needed for the PostgreSQL run"
        settings_dict = connection.settings_dict
        env = {**os.environ, "PGPASSWORD": settings_dict.get("PASSWORD") or ""}
        result = subprocess.run(
            [
                pg_dump,
                "--data-only",
                "-h",
                settings_dict.get("HOST") or "127.0.0.1",
                "-p",
                str(settings_dict.get("PORT") or 5432),
                "-U",
                settings_dict.get("USER") or "postgres",
                settings_dict["NAME"],
            ],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        return result.stdout
    connection.ensure_connection()
    return "\n".join(connection.connection.iterdump())
