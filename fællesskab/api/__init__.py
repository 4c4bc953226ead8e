"""The JSON API under /api/v1: thin views over the same services as the web pages."""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from ..accounts.security import api_limit  # noqa: E402
from ..extensions import limiter  # noqa: E402

# Per client address, over the whole API (search, match, geocoding included).
limiter.limit(api_limit)(bp)

# Each module registers its routes on `bp`: /geocode(+/autocomplete), /match, /openapi.json, /search, the rest.
from . import geo, match, openapi, search, views  # noqa: E402,F401
