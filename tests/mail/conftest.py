"""The mail tests share the events fixtures (outbox, SMTP server, mail folder, forum events)."""
from ..events.conftest import forum_event, mail_folder, outbox, sign_up, smtp_server  # noqa: F401
