"""Forms of the self-service pages."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField
from wtforms.validators import DataRequired, Email, Length


class AccessRequestForm(FlaskForm):
    email = EmailField(_l("Din e-mail"), validators=[
        DataRequired(_l("Skriv din e-mail.")), Length(max=254),
        Email(_l("Skriv en gyldig e-mailadresse, fx navn@eksempel.dk."), check_deliverability=False)])


class DeleteForm(FlaskForm):
    confirm = BooleanField(_l("Ja, slet alle mine oplysninger. Jeg ved, at det ikke kan fortrydes."),
                           validators=[DataRequired(_l("Sæt kryds for at bekræfte sletningen."))])
