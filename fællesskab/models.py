"""Import every model so SQLAlchemy's metadata is complete (migrations, tests)."""
from .accounts.models import RecoveryCode, User  # noqa: F401
from .core.audit import AuditEntry  # noqa: F401
from .directory.models import Association, AssociationRevision, ListingLink  # noqa: F401
from .events.models import Event, EventRevision, Registration  # noqa: F401
from .geo.models import Address, Boundary, GeocodeCache, Street  # noqa: F401
from .mail.models import OutboxMessage  # noqa: F401
from .outreach.models import Case, CaseNote, ConsentRecord, HandOver, Newcomer, NewcomerLanguage  # noqa: F401
from .places.models import Forum, Place, Postcode  # noqa: F401
from .search import SearchChange, SearchDocument, SearchWord  # noqa: F401
from .surveys.models import SearchMiss, SurveyResponse, SurveyToken  # noqa: F401
