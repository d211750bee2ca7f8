"""Q&A test fixtures: sessions made through the services, staff in the Q&A roles, and a real IMAP
server (Debian's dovecot) on 127.0.0.1 with a throwaway configuration."""

import datetime
import imaplib
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from django.utils import timezone

from beacon.accounts import roles
from beacon.qanda import services
from beacon.qanda.models import QandASession

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
IMAP_USER = "qanda"
IMAP_PASSWORD = "imap-test-password"


@pytest.fixture
def editor(make_staff):
    return make_staff(roles.CAMPAIGN_EDITOR)


@pytest.fixture
def approver(make_staff):
    return make_staff(roles.CAMPAIGN_APPROVER)


@pytest.fixture
def make_session(db, make_staff):
    """make_session(**fields) -> a QandASession created through services.session_save."""
    counter = {"n": 0}

    def make(*, state: str = QandASession.OPEN, starts_in_days: float = 3, by=None, **fields):
        counter["n"] += 1
        user = by or make_staff(roles.CAMPAIGN_EDITOR)
        starts_at = timezone.now() + datetime.timedelta(days=starts_in_days)
        data = {
            "title": f"Your questions on county lines {counter['n']}",
            "slug": f"county-lines-{counter['n']}-{uuid.uuid4().hex[:6]}",
            "platform": "website",
            "starts_at": starts_at,
            "ends_at": starts_at + datetime.timedelta(hours=1),
        }
        data.update(fields)
        session = services.session_save(user=user, data=data)
        path = {
            QandASession.OPEN: [],
            QandASession.LIVE: [QandASession.LIVE],
            QandASession.ANSWERED: [QandASession.LIVE, QandASession.ANSWERED],
            QandASession.CLOSED: [QandASession.LIVE, QandASession.ANSWERED, QandASession.CLOSED],
        }[state]
        for step in path:
            session = services.session_transition(session=session, user=user, state=step)
        return session

    return make


# --- dovecot --------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _dovecot_users() -> dict[str, str]:
    """Dovecot refuses to run its login process as root: as root, use the package's own unprivileged
    users (dovenull, dovecot); as anyone else, everything runs as that user."""
    if os.geteuid() != 0:
        me = pwd.getpwuid(os.geteuid()).pw_name
        return {"login": me, "internal": me, "mail": me}
    try:
        pwd.getpwnam("dovenull")
        pwd.getpwnam("dovecot")
    except KeyError as error:  # pragma: no cover - the dovecot-imapd package creates them
        raise RuntimeError("dovecot-imapd is not installed: apt-get install -y dovecot-imapd") from error
    return {"login": "dovenull", "internal": "dovecot", "mail": "dovecot"}


class Dovecot:
    def __init__(self, root: Path, port: int):
        self.root = root
        self.port = port
        self.pid: int | None = None

    def connect(self) -> imaplib.IMAP4:
        connection = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        connection.login(IMAP_USER, IMAP_PASSWORD)
        return connection

    def new_folder(self) -> str:
        folder = f"Test{uuid.uuid4().hex[:10]}"
        connection = self.connect()
        try:
            status, _ = connection.create(folder)
            assert status == "OK"
        finally:
            connection.logout()
        return folder

    def deliver(self, folder: str, *messages: bytes) -> None:
        """Put messages in a folder by IMAP APPEND, as a mail server's delivery would."""
        connection = self.connect()
        try:
            for raw in messages:
                status, data = connection.append(folder, None, None, raw)
                assert status == "OK", data
        finally:
            connection.logout()

    def messages(self, folder: str) -> int:
        """How many messages the folder holds (marked deleted or not: only EXPUNGE removes them)."""
        connection = self.connect()
        try:
            connection.select(folder)
            _status, data = connection.uid("SEARCH", None, "ALL")
            return len((data[0] or b"").split())
        finally:
            connection.logout()

    def uidvalidity(self, folder: str) -> int:
        connection = self.connect()
        try:
            _status, data = connection.status(folder, "(UIDVALIDITY)")
            return int(re.search(rb"UIDVALIDITY (\d+)", data[0]).group(1))
        finally:
            connection.logout()


@pytest.fixture(scope="session")
def dovecot():
    if not os.path.exists(DOVECOT):
        raise RuntimeError("Debian's dovecot is needed for the IMAP tests: apt-get install -y dovecot-imapd")
    users = _dovecot_users()
    root = Path(tempfile.mkdtemp(prefix="beacon-dovecot-"))
    root.chmod(0o755)  # the login and mail processes run as other users
    (root / "run").mkdir()
    mail = root / "mail"
    mail.mkdir()
    shutil.chown(mail, user=users["mail"], group=pwd.getpwnam(users["mail"]).pw_gid)
    port = _free_port()
    (root / "passwd").write_text(f"{IMAP_USER}:{{PLAIN}}{IMAP_PASSWORD}::::::\n")
    (root / "dovecot.conf").write_text(
        f"""
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/run
instance_name = beacon-test-{port}
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
login_trusted_networks = 127.0.0.1/32
auth_mechanisms = plain login
auth_failure_delay = 0
default_internal_user = {users["internal"]}
default_internal_group = {users["internal"]}
default_login_user = {users["login"]}
first_valid_uid = 1
mail_location = maildir:{mail}/%u
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={users["mail"]} gid={users["mail"]} home={mail}/%u
}}
"""
    )
    subprocess.run([DOVECOT, "-c", str(root / "dovecot.conf")], check=True, timeout=30)
    server = Dovecot(root, port)
    deadline = time.monotonic() + 15
    while True:
        try:
            server.connect().logout()
            break
        except (OSError, imaplib.IMAP4.error):
            if time.monotonic() > deadline:
                log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
                raise RuntimeError(f"dovecot did not start:\n{log}") from None
            time.sleep(0.1)
    server.pid = int((root / "run" / "master.pid").read_text().strip())
    yield server
    os.kill(server.pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(server.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def mailbox(dovecot, settings):
    """A fresh, empty IMAP folder in the test dovecot, with Beacon's settings pointing at it."""
    folder = dovecot.new_folder()
    settings.BEACON_QANDA_IMAP_HOST = "127.0.0.1"
    settings.BEACON_QANDA_IMAP_PORT = dovecot.port
    settings.BEACON_QANDA_IMAP_USER = IMAP_USER
    settings.BEACON_QANDA_IMAP_PASSWORD = IMAP_PASSWORD
    settings.BEACON_QANDA_IMAP_FOLDER = folder
    settings.BEACON_QANDA_IMAP_TLS = False
    settings.BEACON_QANDA_EMAIL_ADDRESS = "qanda@beacon.invalid"
    dovecot.folder = folder
    return dovecot
