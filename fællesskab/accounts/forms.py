"""Login, password and two-factor forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(_l("Skriv din e-mail.")),
                                                 Length(max=254, message=_l("Højst %(max)d tegn."))])
    password = PasswordField(_l("Adgangskode"), validators=[DataRequired(_l("Skriv din adgangskode.")),
                                                            Length(max=500, message=_l("Højst %(max)d tegn."))])
    remember = BooleanField(_l("Husk mig på denne computer"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(_l("Skriv din e-mail.")),
                                                 Length(max=254, message=_l("Højst %(max)d tegn."))])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("Ny adgangskode"),
        description=_l("Mindst 12 tegn. En sætning eller flere tilfældige ord er lettest at huske."),
        validators=[DataRequired(_l("Skriv en ny adgangskode.")),
                    Length(max=200, message=_l("Højst %(max)d tegn."))],
    )
    confirm = PasswordField(
        _l("Gentag den nye adgangskode"),
        validators=[DataRequired(_l("Gentag adgangskoden.")),
                    EqualTo("password", _l("De to adgangskoder er ikke ens."))],
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Nuværende adgangskode"),
        validators=[DataRequired(_l("Skriv din nuværende adgangskode.")),
                    Length(max=500, message=_l("Højst %(max)d tegn."))])
    password = PasswordField(
        _l("Ny adgangskode"),
        description=_l("Mindst 12 tegn. En sætning eller flere tilfældige ord er lettest at huske."),
        validators=[DataRequired(_l("Skriv en ny adgangskode.")),
                    Length(max=200, message=_l("Højst %(max)d tegn."))])
    confirm = PasswordField(
        _l("Gentag den nye adgangskode"),
        validators=[DataRequired(_l("Gentag adgangskoden.")),
                    EqualTo("password", _l("De to adgangskoder er ikke ens."))])


class ConfirmPasswordForm(FlaskForm):
    """Re-authentication before a change to how one logs in."""

    password = PasswordField(
        _l("Din adgangskode"),
        validators=[DataRequired(_l("Skriv din adgangskode.")),
                    Length(max=500, message=_l("Højst %(max)d tegn."))])


class TotpCodeForm(FlaskForm):
    code = StringField(
        _l("Kode fra appen"),
        description=_l("6 cifre. Koden skifter hvert 30. sekund."),
        validators=[DataRequired(_l("Skriv koden fra appen.")), Length(max=20, message=_l("Højst %(max)d tegn."))])


class EnrolForm(TotpCodeForm, ConfirmPasswordForm):
    """The first code from the app, and the password again (a change to how one logs in)."""


class RecoveryCodeForm(FlaskForm):
    recovery_code = StringField(
        _l("Gendannelseskode"),
        description=_l("En af de 10 koder, du fik, da du slog totrinsbekræftelse til, fx abcde-fgh23."),
        validators=[DataRequired(_l("Skriv en gendannelseskode.")),
                    Length(max=40, message=_l("Højst %(max)d tegn."))])


class AdminResetForm(FlaskForm):
    email = EmailField(_l("Brugerens e-mail"), validators=[DataRequired(_l("Skriv brugerens e-mail.")),
                                                          Length(max=254, message=_l("Højst %(max)d tegn."))])
    identity_checked = BooleanField(
        _l("Jeg har sikret mig, at det er brugeren selv, der beder om det"),
        validators=[DataRequired(_l("Bekræft, at du har sikret dig, hvem der beder om nulstillingen."))])
