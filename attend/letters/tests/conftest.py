import pytest


@pytest.fixture(autouse=True)
def _stats_store(settings, tmp_path):
    # Each test builds its own columnar statistics store from its own database.
    settings.ATTEND_STATS_DIR = str(tmp_path / "analytics")
    settings.ATTEND_NOTIFY_RETRY_DELAYS = [0.01, 0.02]


@pytest.fixture
def fake_notify(settings):
    from .fake_notify import API_KEY, FakeNotify

    fake = FakeNotify().start()
    settings.ATTEND_NOTIFY_API_KEY = API_KEY
    settings.ATTEND_NOTIFY_BASE_URL = fake.url
    settings.ATTEND_NOTIFY_SMS_TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"
    settings.ATTEND_NOTIFY_EMAIL_TEMPLATE_ID = "2b5a3cd3-57f8-4b73-a4a5-d2b3ba1a3a5e"
    yield fake
    fake.stop()


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) on a free local port; messages it receives are in `.messages`."""
    import socket
    from email import message_from_bytes, policy

    from aiosmtpd.controller import Controller

    class Handler:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            msg = message_from_bytes(envelope.content, policy=policy.default)
            self.messages.append({"to": envelope.rcpt_tos, "from": envelope.mail_from, "message": msg})
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    handler = Handler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.ATTEND_EMAIL_URL = f"smtp://127.0.0.1:{port}?timeout=5"
    settings.ATTEND_EMAIL_VIA = "smtp"
    yield handler
    controller.stop()
