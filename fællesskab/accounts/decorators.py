"""The role-required decorator used by every protected view."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user

from ..extensions import login_manager


def role_required(*roles: str):
    """Allow only logged-in users with one of `roles` (admin counts as coordinator).

    Anonymous visitors are sent to the login page; others get 403.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(*roles):
                from .security import log_denied

                log_denied(f"needs role {'/'.join(roles)}")
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = roles  # read by the access-matrix test
        return wrapped

    return decorator
