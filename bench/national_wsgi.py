"""The app as gunicorn serves it in `bench/national.py`: settings from the
environment, no rate limits (the load generator is one client), and no CSRF
token on the bench coordinator's login form."""
from fællesskab import create_app

app = create_app({"RATELIMITS_ON": False, "WTF_CSRF_ENABLED": False})
