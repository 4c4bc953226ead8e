"""WSGI entry point: `flask --app wsgi …`, gunicorn `wsgi:app`."""
from fællesskab import create_app

app = create_app()
