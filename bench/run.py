#!/usr/bin/env python
"""Benchmarks for Solidaria's public pages (`make bench`).

Starts the platform's web server (granian, as `manage.py serve` does) with the
production settings on a fresh SQLite database holding the demo campaigns, then
measures with wrk:

- throughput of a public campaign page with the anonymous-page cache
  (target ≥ 2,000 requests/s on the 2-core machine, load generator included);
- latency with a single connection, i.e. server time without queueing
  (target p50 < 5 ms), with and without the page cache;
- the bytes a browser transfers on the first load of that page (target < 60 KB).

Results are printed and written to bench/results/pages.json. Only loopback
addresses are used; every run is bounded in time.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from solidaria.core.management.commands.serve import web_command  # noqa: E402

PAGE = "/en/campaigns/global-day-general-strike/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def environment(var_dir: Path, page_cache_seconds: int) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "PII_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "SOLIDARIA_VAR_DIR": str(var_dir),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "PAGE_CACHE_SECONDS": str(page_cache_seconds),
        "SITE_URL": "http://127.0.0.1",
    }


def fresh_postgres(name: str) -> str:
    """An empty database of that name on the machine's PostgreSQL; returns its URL."""
    for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
        psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", sql]
        subprocess.run(psql, check=True, capture_output=True)
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def wait_until_up(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


WRK_LATENCY = re.compile(r"^\s+(50|75|90|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s)\s*$", re.M)


def wrk(url: str, *, connections: int, threads: int, seconds: int) -> dict[str, float]:
    wrk_bin = shutil.which("wrk")
    if not wrk_bin:
        sys.exit("wrk is needed: apt-get install wrk")
    out = subprocess.run(
        [wrk_bin, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
    ).stdout
    result: dict[str, float] = {
        "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
    }
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    for percentile, value, unit in WRK_LATENCY.findall(out):
        result[f"p{percentile}_ms"] = round(float(value) * scale[unit], 3)
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    result["non_2xx"] = int(errors.group(1)) if errors else 0
    socket_errors = re.search(r"Socket errors: (.*)", out)
    result["socket_errors"] = socket_errors.group(1) if socket_errors else "none"
    return result


def first_load_bytes(base: str) -> dict[str, int]:
    """Everything a browser fetches for the page: HTML, then what it references."""

    def fetch(path: str) -> tuple[int, bytes]:
        request = urllib.request.Request(base + path, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=5) as response:
            body = response.read()
            headers = sum(len(k) + len(v) + 4 for k, v in response.headers.items())
            size = len(body) + headers + len("HTTP/1.1 200 OK\r\n")
            if response.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            return size, body

    sizes: dict[str, int] = {}
    size, html = fetch(PAGE)
    sizes[PAGE] = size
    for path in re.findall(r'<(?:link|script|img)[^>]+(?:href|src)="(/[^"]+)"', html.decode()):
        if path.startswith("/") and not path.startswith("//"):
            sizes[path] = fetch(path)[0]
    sizes["total"] = sum(sizes.values())
    return sizes


def serve(env: dict[str, str], port: int, workers: int, threads: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        web_command(host="127.0.0.1", port=port, workers=workers),
        cwd=ROOT,
        env={**env, "WEB_THREADS": str(threads)},
        start_new_session=True,
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def run_pages(seconds: int, workers: int, threads: int) -> dict[str, object]:
    results: dict[str, object] = {
        "workers": workers,
        "threads": threads,
        "seconds": seconds,
        "cores": os.cpu_count(),
    }
    with tempfile.TemporaryDirectory(prefix="solidaria-bench-") as tmp:
        var_dir = Path(tmp)
        setup_env = environment(var_dir, 10)
        manage(setup_env, "migrate", "--no-input", "--verbosity", "0")
        manage(setup_env, "collectstatic", "--no-input", "--verbosity", "0")
        manage(setup_env, "bootstrap", "--no-login")
        for label, cache_seconds in (("cached", 10), ("uncached", 0)):
            env = {**setup_env, "PAGE_CACHE_SECONDS": str(cache_seconds)}
            port = free_port()
            server = serve(env, port, workers, threads)
            try:
                url = f"http://127.0.0.1:{port}{PAGE}"
                wait_until_up(url)
                wrk(url, connections=8, threads=1, seconds=2)  # warm every worker
                results[label] = {
                    "throughput": wrk(url, connections=32, threads=2, seconds=seconds),
                    "single_connection": wrk(
                        url, connections=1, threads=1, seconds=max(5, seconds // 2)
                    ),
                }
                if label == "cached":
                    results["first_load_bytes"] = first_load_bytes(f"http://127.0.0.1:{port}")
            finally:
                stop(server)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--threads", type=int, default=1, help="Python threads per web worker")
    args = parser.parse_args()
    results = run_pages(args.seconds, args.workers, args.threads)
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(exist_ok=True)
    (out_dir / "pages.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))
    cached = results["cached"]
    assert isinstance(cached, dict)
    print(
        f"\npublic campaign page, cached: {cached['throughput']['requests_per_second']:.0f} req/s "
        f"(32 connections), p50 {cached['single_connection']['p50_ms']} ms with one connection; "
        f"first load {results['first_load_bytes']['total'] / 1024:.1f} KB"  # type: ignore[index]
    )


if __name__ == "__main__":
    main()
