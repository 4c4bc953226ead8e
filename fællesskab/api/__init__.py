"""The JSON API under /api/v1: thin views over the same services as the web pages."""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from . import views  # noqa: E402,F401  (registers the routes)
from . import search  # noqa: E402,F401  (GET /api/v1/search)
from . import geo  # noqa: E402,F401  (registers /geocode and /geocode/autocomplete)
