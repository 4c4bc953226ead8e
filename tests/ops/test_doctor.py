"""`flask --app wsgi doctor` (issue 24, item 5)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from fællesskab.core.time import utcnow

from ..mail.smtp import SMTPServer
from ..reliability.nodes import redis_url


@pytest.fixture
def production(app, monkeypatch):
    """The test app set up as docs/operations.md says production should be."""
    server = SMTPServer().start()
    limiter = redis_url(14)
    settings = {
        "FAELLESSKAB_ENV": "production", "SECRET_KEY": "k" * 64,
        "MAIL_BASE_URL": "https://faellesskab.kolding.dk", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": server.port,
        "MAIL_DELIVERY": "worker", "MFA_REQUIRED_ROLES": ("coordinator", "admin"), "TRUSTED_PROXIES": 1,
        "RATELIMIT_STORAGE_URI": limiter or "memory://", "WEB_CONCURRENCY": 2 if limiter else 1,
    }
    for name, value in settings.items():
        monkeypatch.setitem(app.config, name, value)
    yield app
    server.stop()


def lines(result) -> list[str]:
    return result.output.splitlines()


def test_a_production_set_up_passes(production, runner):
    result = runner.invoke(args=["doctor"])
    assert result.exit_code == 0, result.output
    assert not any(line.startswith("FAIL") for line in lines(result))
    assert "SMTP server 127.0.0.1 answers" in result.output
    assert "migrations at head" in result.output
    assert "0 wrong" in lines(result)[-1]


def test_the_development_defaults_are_named_with_their_fix(app, runner, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    monkeypatch.setitem(app.config, "MAIL_BASE_URL", "http://127.0.0.1:5000")
    monkeypatch.setitem(app.config, "SECRET_KEY", "test-secret")
    result = runner.invoke(args=["doctor"])
    assert result.exit_code == 1
    out = result.output
    for wrong in ("FAIL FAELLESSKAB_ENV is not production", "FAIL SECRET_KEY is only 11 characters",
                  "FAIL MAIL_BASE_URL is http://127.0.0.1:5000", "FAIL two-factor authentication is not required",
                  "FAIL MAIL_SERVER is not set"):
        assert wrong in out, out
    assert "→ set MFA_REQUIRED_ROLES=coordinator,admin" in out
    assert "WARN TRUSTED_PROXIES is 0" in out


def test_several_workers_with_per_process_limits_fail(production, runner, monkeypatch):
    monkeypatch.setitem(production.config, "RATELIMIT_STORAGE_URI", "memory://")
    monkeypatch.setitem(production.config, "WEB_CONCURRENCY", 3)
    result = runner.invoke(args=["doctor"])
    assert result.exit_code == 1
    assert "FAIL rate limits are counted per process, with 3 workers" in result.output


def test_an_smtp_server_that_does_not_answer_fails(production, runner, monkeypatch):
    from ..mail.smtp import free_port

    monkeypatch.setitem(production.config, "MAIL_PORT", free_port())
    result = runner.invoke(args=["doctor"])
    assert result.exit_code == 1
    assert "FAIL SMTP server 127.0.0.1 does not answer" in result.output


def test_mail_waiting_without_a_worker_fails(production, runner, db):
    from fællesskab.mail import services as mail

    message = mail.queue("anna@example.org", "Hej", "Tekst", kind="test")
    message.created_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    result = runner.invoke(args=["doctor"])
    assert result.exit_code == 1
    assert "FAIL an email has waited 60 minutes unsent" in result.output
    assert "flask --app wsgi mail work" in result.output
