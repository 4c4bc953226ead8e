"""Form helpers every domain's forms share.

The rules live in the services; a service's ValidationError is put back on the
fields with `apply_errors`. Messages are Danish (WTForms has no Danish catalogue).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import Length

try:  # WTForms 3.3+ wants SelectChoice; older releases take (value, label) pairs
    from wtforms.fields.choices import SelectChoice

    def choices(pairs) -> list:
        """Return select choices from (value, label) pairs."""
        return [SelectChoice(value=value, label=label) for value, label in pairs]
except ImportError:  # pragma: no cover - WTForms < 3.3
    def choices(pairs) -> list:
        """Return select choices from (value, label) pairs."""
        return list(pairs)


def drop_nul(value):
    """PostgreSQL text cannot hold NUL characters; no person types one."""
    return value.replace("\x00", "") if isinstance(value, str) else value


def max_length(limit: int) -> Length:
    """A length check with a Danish message (WTForms has no Danish catalogue)."""
    return Length(max=limit, message=_l("Teksten er for lang (højst %(max)d tegn).", max=limit))


class ConfirmForm(FlaskForm):
    """A button that changes state: CSRF only."""


def apply_errors(form: FlaskForm, errors: list[tuple[str, str]]) -> None:
    """Put a service's (field, message) errors on the form's fields."""
    for name, message in errors:
        field = form[name] if name and name in form else None
        if field is not None:
            field.errors = list(field.errors) + [message]
        else:
            form.form_errors.append(message)
