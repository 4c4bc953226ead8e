"""Email: an outbox table, SMTP or a development folder, and `flask mail retry`.

Mail is queued in the same transaction as the change it tells about, so it is
never lost: after the commit it is sent; a failed send stays in the outbox and
`flask --app wsgi mail retry` (cron) sends it later.
"""
