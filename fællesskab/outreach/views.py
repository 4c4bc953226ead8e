"""The outreach blueprints, registered by create_app.

* `outreach`: the newcomer's contact request (`/ny-i-kolding/kontakt`) and `/kontakt-mig`;
* `cases`: the coordinator's inbox and case pages under `/koordinator/tilflyttere/`;
* `forum_cases`: a village forum's handed-over newcomers under `/forum/tilflyttere/`.
"""
from .case_views import bp as cases_bp
from .forum_views import bp as forum_cases_bp
from .public_views import bp as public_bp

BLUEPRINTS = (public_bp, cases_bp, forum_cases_bp)
