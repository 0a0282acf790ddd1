"""Mail through a real SMTP server (aiosmtpd on 127.0.0.1): queued in the transaction, sent once, retried."""

from __future__ import annotations

import asyncio
import itertools
import re
import shutil
import socket
import ssl
import stat
import subprocess
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from flask import Flask
from flask_migrate import upgrade
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import delete, select, update

from portal import create_app
from portal.extensions import db
from portal.mail import (
    MAX_ATTEMPTS,
    InvalidMessageError,
    MailConfigError,
    SmtpTransport,
    build_message,
    default_sender,
    queue_message,
    send_pending,
    transport_for,
)
from portal.mail.messages import clean_subject
from portal.mail.outbox import BACKOFF, retry_delay
from portal.models import OutboxMessage

TO = "ada.lovelace@example.org"


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self, delay: float = 0.0) -> None:
        self.envelopes: list[Any] = []
        self.delay = delay
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802  (aiosmtpd's name)
        """Accept the message and keep it."""
        if self.delay:
            await asyncio.sleep(self.delay)  # hold the conversation open, so that concurrent senders overlap
        with self._lock:
            self.envelopes.append(envelope)
        return "250 OK"

    @property
    def messages(self) -> list[EmailMessage]:
        """What arrived, parsed."""
        # SMTP carries CRLF line ends; the parsed text reads as the sender wrote it.
        return [
            message_from_bytes(envelope.content.replace(b"\r\n", b"\n"), policy=policy.default)
            for envelope in self.envelopes
        ]


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    """A real SMTP server on one port that a test can stop and start again."""

    def __init__(self, delay: float = 0.0) -> None:
        self.port = free_port()
        self.inbox = Inbox(delay)
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        """The MAIL_URL that reaches it."""
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Listen (again) on the same port."""
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        """Stop listening: connections are refused from now on."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


def make_app(database: Path, **settings: Any) -> Flask:
    """A portal of the test's own on a migrated SQLite file, so that rows can really be committed."""
    app = create_app(
        {
            "PORTAL_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "PUBLIC_URL": "https://careers.example.org",
            "REDIS_URL": None,
            "MAIL_URL": None,
            **settings,
        }
    )
    with app.app_context():
        upgrade()
    return app


@pytest.fixture(scope="module")
def mail_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One committed-to database for this module's tests."""
    app = make_app(tmp_path_factory.mktemp("mail") / "mail.sqlite3")
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def smtp(mail_app: Flask) -> Iterator[SmtpServer]:
    """A running SMTP server that the app sends to; the outbox starts empty."""
    server = SmtpServer()
    server.start()
    mail_app.config["MAIL_URL"] = server.url
    with mail_app.app_context():
        db.session.execute(delete(OutboxMessage))
        db.session.commit()
    yield server
    server.stop()
    mail_app.config["MAIL_URL"] = None


def outbox_rows(app: Flask) -> list[OutboxMessage]:
    """Every outbox row, as committed."""
    with app.app_context():
        rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        db.session.expunge_all()
        return list(rows)


def as_utc(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def test_a_message_waits_for_the_commit_then_arrives_once(mail_app: Flask, smtp: SmtpServer):
    with mail_app.app_context():
        queue_message(TO, "Your sign-in link", "Hello Ada,\nhere is your link.", "<p>Hello Ada</p>")
        assert smtp.inbox.envelopes == [], "nothing may leave before the caller's transaction commits"
        db.session.commit()
    [envelope] = smtp.inbox.envelopes
    assert envelope.rcpt_tos == [TO]
    [message] = smtp.inbox.messages
    assert message["Subject"] == "Your sign-in link"
    assert message["To"] == TO
    assert message["From"] == "Healthcare Science Careers <no-reply@careers.example.org>"
    assert message["Message-ID"].endswith("@careers.example.org>")
    assert message.get_body(("plain",)).get_content() == "Hello Ada,\nhere is your link.\n"
    assert message.get_body(("html",)).get_content() == "<p>Hello Ada</p>\n"
    [row] = outbox_rows(mail_app)
    assert (row.status, row.attempts, row.next_attempt_at, row.last_error) == ("sent", 1, None, None)
    assert row.sent_at is not None


def test_a_rolled_back_message_is_never_written_or_sent(mail_app: Flask, smtp: SmtpServer):
    with mail_app.app_context():
        queue_message(TO, "Never", "Never sent")
        db.session.rollback()
    assert smtp.inbox.envelopes == []
    assert outbox_rows(mail_app) == []


def test_a_failed_send_is_kept_and_sent_exactly_once_when_the_server_is_back(
    mail_app: Flask, smtp: SmtpServer
):
    smtp.stop()
    with mail_app.app_context():
        queue_message(TO, "Your application", "We received it.")
        before = datetime.now(UTC)
        db.session.commit()
    [row] = outbox_rows(mail_app)
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "ConnectionRefusedError")
    retry_at = as_utc(row.next_attempt_at)
    assert before + BACKOFF[0] <= retry_at <= datetime.now(UTC) + BACKOFF[0]

    smtp.start()
    with mail_app.app_context():
        assert send_pending(now=retry_at - timedelta(seconds=1)).sent == 0, "not due yet"
        assert smtp.inbox.envelopes == []
        assert send_pending(now=retry_at).sent == 1
        assert send_pending(now=retry_at + timedelta(seconds=1)).sent == 0
        assert send_pending(now=retry_at + timedelta(days=30)).sent == 0
    [message] = smtp.inbox.messages
    assert message["Subject"] == "Your application"
    [row] = outbox_rows(mail_app)
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, "ConnectionRefusedError")


def test_retries_back_off_and_the_last_failure_is_kept_for_review(mail_app: Flask, smtp: SmtpServer):
    smtp.stop()
    with mail_app.app_context():
        message_id = queue_message(TO, "Retry me", "Body").id
        db.session.commit()
        dues = []
        for _ in range(MAX_ATTEMPTS - 1):
            due = as_utc(db.session.get_one(OutboxMessage, message_id).next_attempt_at)
            dues.append(due)
            assert send_pending(now=due).failed == 1
        row = db.session.get_one(OutboxMessage, message_id)
        assert (row.status, row.attempts, row.next_attempt_at) == ("failed", MAX_ATTEMPTS, None)
        assert row.failed_at is not None and row.last_error == "ConnectionRefusedError"
        assert (row.to_address, row.subject, row.text_body) == (TO, "Retry me", "Body"), "kept for an admin"
        assert send_pending(now=dues[-1] + timedelta(days=365)).failed == 0
    gaps = [later - earlier for earlier, later in itertools.pairwise(dues)]
    assert gaps == list(BACKOFF[1:]), "each wait follows the schedule"
    assert retry_delay(MAX_ATTEMPTS + 5) == BACKOFF[-1], "and is capped at its last step"


def test_send_pending_command_sends_what_is_due_and_then_nothing(mail_app: Flask, smtp: SmtpServer):
    smtp.stop()
    with mail_app.app_context():
        queue_message(TO, "From cron", "Body")
        db.session.commit()
        # The retry time passes (cron has no clock to inject).
        db.session.execute(update(OutboxMessage).values(next_attempt_at=datetime.now(UTC) - timedelta(1)))
        db.session.commit()
    smtp.start()
    runner = mail_app.test_cli_runner()
    first = runner.invoke(args=["mail", "send-pending"])
    assert first.exit_code == 0, first.output
    assert "1 sent, 0 failed" in first.output
    second = runner.invoke(args=["mail", "send-pending"])
    assert "0 sent, 0 failed" in second.output
    assert len(smtp.inbox.envelopes) == 1


def test_two_concurrent_send_pending_runs_send_each_message_once(mail_app: Flask, smtp: SmtpServer):
    count = 20
    smtp.stop()
    with mail_app.app_context():
        for number in range(count):
            queue_message(TO, f"Message {number}", "Body")
            db.session.commit()
    slow = SmtpServer(delay=0.02)
    slow.port = smtp.port
    slow.start()
    later = datetime.now(UTC) + timedelta(minutes=1)
    barrier = threading.Barrier(2)
    reports = []

    def run() -> None:
        with mail_app.app_context():
            barrier.wait()
            reports.append(send_pending(now=later))

    try:
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        slow.stop()
    subjects = sorted(message["Subject"] for message in slow.inbox.messages)
    assert subjects == sorted(f"Message {number}" for number in range(count))
    assert sum(report.sent for report in reports) == count
    assert sum(report.skipped for report in reports) > 0, "the runs competed, and a lost claim meant no send"
    assert {(row.status, row.attempts) for row in outbox_rows(mail_app)} == {("sent", 2)}


def test_a_subject_with_line_breaks_cannot_add_headers_or_recipients(mail_app: Flask, smtp: SmtpServer):
    hostile = "Hello\r\nBcc: attacker@example.net\r\n\r\nInjected body"
    with mail_app.app_context():
        queue_message(TO, hostile, "The real body")
        db.session.commit()
    [envelope] = smtp.inbox.envelopes
    assert envelope.rcpt_tos == [TO]
    [message] = smtp.inbox.messages
    assert message["Bcc"] is None
    assert message["Subject"] == "Hello Bcc: attacker@example.net Injected body"
    assert message.get_body(("plain",)).get_content() == "The real body\n"
    headers = envelope.content.split(b"\r\n\r\n", 1)[0]
    assert len(re.findall(rb"(?m)^Subject:", headers)) == 1
    assert not re.search(rb"(?mi)^bcc:", headers)


def test_a_hostile_recipient_or_subject_is_refused_before_anything_is_written(
    mail_app: Flask, smtp: SmtpServer
):
    with mail_app.app_context():
        with pytest.raises(InvalidMessageError) as error:
            queue_message(f"{TO}\r\nBcc: attacker@example.net", "Hi", "Body")
        assert "example" not in str(error.value), "errors end up in logs: no address in them"
        with pytest.raises(InvalidMessageError):
            queue_message(TO, "Hi\x00there", "Body")
        with pytest.raises(InvalidMessageError):
            queue_message(TO, " \r\n ", "Body")
        db.session.commit()
    assert outbox_rows(mail_app) == []
    # The standard library's own fence, for any caller that builds a message without clean_subject.
    with pytest.raises(ValueError, match="linefeed or carriage return"):
        build_message(sender="a@example.org", to=TO, subject="Hi\r\nBcc: x@example.net", text="Body")


@given(st.text(max_size=200))
def test_any_cleaned_subject_is_one_header_that_reads_back_the_same(subject: str):
    try:
        cleaned = clean_subject(subject)
    except InvalidMessageError:
        return
    raw = build_message(sender="a@example.org", to=TO, subject=cleaned, text="Body").as_bytes()
    parsed = message_from_bytes(raw, policy=policy.default)
    assert parsed["Subject"] == cleaned
    assert sorted(parsed.keys()) == sorted(
        [
            "From",
            "To",
            "Subject",
            "Date",
            "Message-ID",
            "Content-Type",
            "Content-Transfer-Encoding",
            "MIME-Version",
        ]
    )


def test_logs_name_the_message_id_but_no_address_or_subject(
    mail_app: Flask, smtp: SmtpServer, capsys: pytest.CaptureFixture[str]
):
    smtp.stop()
    with mail_app.app_context():
        message_id = queue_message(TO, "Private subject", "Private body").id
        db.session.commit()
    smtp.start()
    with mail_app.app_context():
        send_pending(now=datetime.now(UTC) + timedelta(hours=1))
    logged = capsys.readouterr().err
    assert f"outbox message {message_id}: attempt 1 failed (ConnectionRefusedError)" in logged
    assert f"outbox message {message_id} sent (attempt 2)" in logged
    for private in (TO, "ada", "Private"):
        assert private not in logged


def test_without_mail_url_development_writes_a_readable_eml_file(
    app: Flask, db_session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setitem(app.config, "MAIL_URL", None)
    monkeypatch.setitem(app.config, "MAIL_OUTBOX_DIR", tmp_path / "outbox")
    queue_message(TO, "Welcome to Healthcare Science Careers", "Hello Ada,\nwelcome.")
    db_session.commit()
    [path] = (tmp_path / "outbox").iterdir()
    assert re.fullmatch(r"\d{8}T\d{12}Z-[0-9a-f]{8}\.eml", path.name)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600, "messages hold personal data"
    text = path.read_text()
    assert "Subject: Welcome to Healthcare Science Careers" in text
    assert f"To: {TO}" in text and "Hello Ada,\nwelcome." in text, "a person can read it as it is"
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert message.get_body(("plain",)).get_content() == "Hello Ada,\nwelcome.\n"
    assert db_session.scalars(select(OutboxMessage.status)).all() == ["sent"]


def test_mail_url_schemes_ports_and_credentials():
    plain = SmtpTransport.from_url("smtp://mail.internal")
    assert (plain.host, plain.port, plain.security, plain.username) == ("mail.internal", 25, "plain", None)
    tls = SmtpTransport.from_url("smtps://user%40org:p%3Ass@smtp.example.org")
    assert (tls.port, tls.security, tls.username, tls.password) == (465, "tls", "user@org", "p:ss")
    assert "p:ss" not in repr(tls)
    starttls = SmtpTransport.from_url("smtp+starttls://u:secret@smtp.example.org:2525")
    assert (starttls.port, starttls.security) == (2525, "starttls")
    assert SmtpTransport.from_url("smtp://u:p@127.0.0.1:1025").username == "u", "loopback relays may"
    for url, problem in [
        ("smtp://u:secret@smtp.example.org", "unencrypted"),
        ("http://u:secret@smtp.example.org", "must start"),
        ("smtp://u:secret@smtp.example.org:99999", "invalid port"),
        ("smtps://", "no host"),
    ]:
        with pytest.raises(MailConfigError, match=problem) as error:
            SmtpTransport.from_url(url)
        assert "secret" not in str(error.value)


def test_the_sender_and_the_transport_follow_the_settings(tmp_path: Path):
    assert (
        default_sender("https://careers.example.org")
        == "Healthcare Science Careers <no-reply@careers.example.org>"
    )
    assert default_sender("http://127.0.0.1:8000").endswith("<no-reply@[127.0.0.1]>")
    assert transport_for({"MAIL_URL": None}, tmp_path).directory == tmp_path / "outbox"
    assert transport_for({"MAIL_URL": "smtp://127.0.0.1:1025"}, tmp_path).port == 1025
    with pytest.raises(MailConfigError, match="MAIL_URL is not set"):
        transport_for({"PORTAL_ENV": "production", "MAIL_URL": None}, tmp_path)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key, made with the openssl command."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a test certificate (apt-get install openssl)")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
        timeout=60,
    )  # fmt: skip
    return cert, key


class Logins:
    """An aiosmtpd authenticator that accepts one user and remembers who logged in."""

    def __init__(self) -> None:
        self.seen: list[tuple[bytes, bytes]] = []

    def __call__(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        """Accept ``user`` with ``pa:ss``."""
        self.seen.append((data.login, data.password))
        return AuthResult(success=(data.login, data.password) == (b"user", b"pa:ss"))


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
@pytest.mark.parametrize("scheme", ["smtps", "smtp+starttls"])
def test_tls_schemes_check_the_certificate_and_log_in_over_tls(
    certificate: tuple[Path, Path], scheme: str, monkeypatch: pytest.MonkeyPatch
):
    cert, key = certificate
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    inbox, logins, port = Inbox(), Logins(), free_port()
    if scheme == "smtps":
        # aiosmtpd counts only STARTTLS as TLS for AUTH; the whole connection is TLS here.
        tls = {"ssl_context": server_context, "auth_require_tls": False}
    else:
        tls = {"tls_context": server_context, "require_starttls": True}
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, authenticator=logins, auth_required=True, **tls
    )
    controller.start()
    try:
        transport = SmtpTransport.from_url(f"{scheme}://user:pa%3Ass@127.0.0.1:{port}")
        message = build_message(sender="a@example.org", to=TO, subject="Over TLS", text="Body")
        with pytest.raises(ssl.SSLCertVerificationError):
            transport.send(message)  # the system's authorities do not know this certificate
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))
        transport.send(message)
    finally:
        controller.stop()
    assert logins.seen == [(b"user", b"pa:ss")]
    assert [parsed["Subject"] for parsed in inbox.messages] == ["Over TLS"]
