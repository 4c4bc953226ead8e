"""Login form."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField
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
