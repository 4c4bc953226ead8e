"""The JSON API under /api/v1: thin views over the same services as the web pages."""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from ..accounts.security import api_limit  # noqa: E402
from ..extensions import limiter  # noqa: E402

# Per client address, over the whole API (search, match, geocoding included).
limiter.limit(api_limit)(bp)

from . import views  # noqa: E402,F401  (registers the routes)
from . import search  # noqa: E402,F401  (GET /api/v1/search)
from . import geo  # noqa: E402,F401  (registers /geocode and /geocode/autocomplete)
from . import match  # noqa: E402,F401  (POST /api/v1/match)
from . import openapi  # noqa: E402,F401  (GET /api/v1/openapi.json)
