"""HTTP load for `bench/national.py`: gunicorn, the Datasette peer, and `wrk`.

Everything listens on 127.0.0.1 only. `wrk` (Debian package `wrk`) drives a
fixed list of requests round-robin for a bounded duration; a small Lua script
reports requests/s and the latency percentiles as JSON.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

from bench.timing import cpu_seconds, rss_mb

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PEER_VENV = os.path.join(REPO, "bench", ".peer-venv")
PEER_PACKAGE = "datasette==0.65.5"

LUA = r"""
local reqs = {%s}
local i = 0
request = function()
  i = i %% #reqs + 1
  local r = reqs[i]
  return wrk.format(r[1], r[2], r[3], r[4])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('RESULT {"requests": %%d, "rps": %%.2f, "p50_ms": %%.2f, "p95_ms": %%.2f, ' ..
    '"p99_ms": %%.2f, "errors": %%d, "non2xx": %%d}\n', summary.requests,
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.timeout, e.status))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, timeout: float = 600.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=30) as r:
                r.read()
                return
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def _lua_str(s: str) -> str:
    """A Lua string literal: JSON's escapes for ASCII text (\\ \" \n) are Lua's too."""
    assert s.isascii(), s
    return json.dumps(s)


def wait_idle(server, timeout: float = 120.0) -> None:
    """Wait until the server has finished the requests a previous wrk run left queued (wrk stops
    sending at its deadline, but requests already accepted are still worked off)."""
    deadline = time.monotonic() + timeout
    last = server.cpu()
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = server.cpu()
        if now - last < 0.05:
            return
        last = now


def measured(server, requests, duration: float) -> dict:
    """`wrk` against a server, plus the server's CPU milliseconds per request (which, unlike
    requests/s, does not depend on what else the shared machine is doing)."""
    wait_idle(server)
    before = server.cpu()
    result = wrk(server.base, requests, duration)
    result["cpu_ms_per_request"] = (server.cpu() - before) * 1000 / max(1, result["requests"])
    return result


def wrk(base: str, requests: list[tuple[str, str, dict, str | None]], duration: float,
        connections: int = 8, threads: int = 2) -> dict:
    """Run wrk against `base` with (method, path, headers, body) requests round-robin."""
    entries = []
    for method, path, headers, body in requests:
        h = "{" + ", ".join(f"[{_lua_str(k)}] = {_lua_str(v)}" for k, v in headers.items()) + "}"
        entries.append(f"{{{_lua_str(method)}, {_lua_str(path)}, {h}, {_lua_str(body) if body else 'nil'}}}")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(LUA % ",\n".join(entries))
        script = fh.name
    try:
        out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, int(duration))}s",
                              "--timeout", "10s", "-s", script, base], capture_output=True, text=True,
                             check=True, timeout=duration + 60).stdout
    finally:
        os.unlink(script)
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    return json.loads(line[len("RESULT "):])


class Gunicorn:
    """`gunicorn -w N bench.national_wsgi:app` on a free port, with the bench settings in its environment."""

    def __init__(self, env: dict[str, str], workers: int = 2):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        full_env = {**os.environ, **env, "PYTHONPATH": REPO}
        self.proc = subprocess.Popen(
            [os.path.join(os.path.dirname(sys.executable), "gunicorn"), "-w", str(workers), "-b",
             f"127.0.0.1:{self.port}", "--timeout", "600", "--log-level", "warning", "bench.national_wsgi:app"],
            env=full_env, cwd=REPO)
        wait_for(self.base + "/tilgaengelighed")

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["ps", "--ppid", str(self.proc.pid), "-o", "pid="], capture_output=True, text=True)
        return [int(p) for p in out.stdout.split()]

    def cpu(self) -> float:
        """CPU seconds used so far by the workers."""
        return sum(cpu_seconds(pid) for pid in self.worker_pids())

    def worker_rss(self) -> list[tuple[float, float]]:
        return [rss_mb(pid) for pid in self.worker_pids()]

    def login_cookie(self, email: str, password: str) -> str:
        jar = CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        data = urllib.parse.urlencode({"email": email, "password": password}).encode()
        opener.open(self.base + "/login", data=data, timeout=60).read()
        return "; ".join(f"{c.name}={c.value}" for c in jar)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def ensure_peer_venv() -> str:
    """Create bench/.peer-venv with Datasette (not a project dependency); return its datasette."""
    exe = os.path.join(PEER_VENV, "bin", "datasette")
    if not os.path.exists(exe):
        subprocess.run([sys.executable, "-m", "venv", PEER_VENV], check=True)
        subprocess.run([os.path.join(PEER_VENV, "bin", "pip"), "install", "--quiet", PEER_PACKAGE], check=True)
    return exe


class Datasette:
    """Datasette serving one SQLite file read-only (immutable), on a free port."""

    def __init__(self, db_path: str):
        exe = ensure_peer_venv()
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen([exe, "serve", "-i", db_path, "-h", "127.0.0.1", "-p", str(self.port),
                                      "--setting", "sql_time_limit_ms", "10000",
                                      "--setting", "num_sql_threads", "3"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(self.base + "/-/versions.json")

    def version(self) -> str:
        with urllib.request.urlopen(self.base + "/-/versions.json", timeout=10) as r:
            return json.load(r)["datasette"]["version"]

    def rss(self) -> tuple[float, float]:
        return rss_mb(self.proc.pid)

    def cpu(self) -> float:
        return cpu_seconds(self.proc.pid)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()

