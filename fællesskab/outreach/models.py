"""Newcomers, their consent, outreach cases, the case timeline and hand-overs to village forums.

Personal data (DESIGN.md): everything here. Retention rules are in
`retention.py`; every staff read or change is written to `core.audit`.
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..core.time import UTCDateTime, utcnow
from ..events.models import Event
from ..extensions import db
from ..places.models import Forum, Place
from . import workflow

SOURCES = ("import", "journey", "self")
CONSENT_KINDS = ("contact", "handover", "survey")
UNKNOWN_MOVE_IN = date(1900, 1, 1)  # sorts an unknown move-in date as the oldest (no NULLS LAST: the databases differ)

_STATUS_LIST = ", ".join(f"'{s}'" for s in workflow.STATUSES)
_CLOSED_LIST = ", ".join(f"'{s}'" for s in sorted(workflow.CLOSED))


class Newcomer(db.Model):
    """A household that moved to the municipality (tilflytter).

    A person without consent to be contacted is kept for statistics only: the
    name, contact details and street address are never stored for them.
    """

    __tablename__ = "newcomers"
    __table_args__ = (
        sa.CheckConstraint("source IN ('import', 'journey', 'self')", name="source"),
        sa.CheckConstraint("adults >= 0", name="adults_not_negative"),
        # The inbox's sort orders (outreach/inbox.py select_ids), walked in order and stopped
        # after a page; the id breaks ties, as in the ORDER BY.
        sa.Index("ix_newcomers_search_name", "search_name", "id"),
        sa.Index("ix_newcomers_move_in_order",
                 sa.func.coalesce(sa.literal_column("move_in_date"), sa.literal_column(f"'{UNKNOWN_MOVE_IN}'")), "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    source: Mapped[str] = mapped_column(sa.String(16))
    name: Mapped[str | None] = mapped_column(sa.String(120))
    # The name folded (lowercase, single spaces) for search and sorting.
    search_name: Mapped[str | None] = mapped_column(sa.String(120))
    # Stored lowercased, so a second contact request from the same person finds the first.
    email: Mapped[str | None] = mapped_column(sa.String(254), index=True)
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    address: Mapped[str | None] = mapped_column(sa.String(200))
    postcode: Mapped[str | None] = mapped_column(sa.String(4))
    town: Mapped[str | None] = mapped_column(sa.String(80))
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    location_precision: Mapped[str | None] = mapped_column(sa.String(16))
    place_id: Mapped[int | None] = mapped_column(sa.ForeignKey("places.id"), index=True)
    move_in_date: Mapped[date | None] = mapped_column(sa.Date)
    adults: Mapped[int] = mapped_column(default=1)
    children_ages: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    interests: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    # The language we write to them in: da or en.
    preferred_language: Mapped[str] = mapped_column(sa.String(2), default="da")
    # Current consents; the history (text version, time, who) is in consent_records.
    consent_contact: Mapped[bool] = mapped_column(default=False, index=True)
    consent_handover: Mapped[bool] = mapped_column(default=False)
    # Consent to be asked to answer the municipality's surveys (surveys/ reads it).
    consent_survey: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    place: Mapped[Place | None] = relationship()
    case: Mapped[Case | None] = relationship(back_populates="newcomer", uselist=False)
    consents: Mapped[list[ConsentRecord]] = relationship(
        back_populates="newcomer", order_by="ConsentRecord.recorded_at", cascade="all, delete-orphan",
    )

    @property
    def has_children(self) -> bool:
        return bool(self.children_ages)

    @property
    def first_name(self) -> str:
        return (self.name or "").split(" ")[0]

    @property
    def address_lines(self) -> list[str]:
        """The postal address as lines: the street, then postcode and town unless the street already holds them."""
        town_line = " ".join(p for p in (self.postcode, self.town) if p)
        street = (self.address or "").strip()
        if street and town_line and (town_line in street or (self.postcode and self.postcode in street)):
            return [street]
        return [line for line in (street, town_line) if line]

    @property
    def place_label(self) -> str:
        if self.place is not None:
            return self.place.name
        return self.town or self.postcode or ""

    def __repr__(self) -> str:
        return f"<Newcomer {self.id} {self.external_id}>"


class NewcomerLanguage(db.Model):
    """One language of a household, so the inbox filters by language with an index."""

    __tablename__ = "newcomer_languages"
    __table_args__ = (sa.Index("ix_newcomer_languages_code", "code", "newcomer_id"),)

    newcomer_id: Mapped[int] = mapped_column(sa.ForeignKey("newcomers.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(8), primary_key=True)


class ConsentRecord(db.Model):
    """A consent given or withdrawn: which text (its version), when, through which door, by whom."""

    __tablename__ = "consent_records"
    __table_args__ = (sa.CheckConstraint("kind IN ('contact', 'handover', 'survey')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    newcomer_id: Mapped[int] = mapped_column(sa.ForeignKey("newcomers.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    granted: Mapped[bool]
    text_version: Mapped[str] = mapped_column(sa.String(40))
    # How (the channel): import | journey | self | coordinator | self-service (privacy/ pages)
    source: Mapped[str] = mapped_column(sa.String(16))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    newcomer: Mapped[Newcomer] = relationship(back_populates="consents")
    recorded_by: Mapped[User | None] = relationship()


class Case(db.Model):
    """The coordinator's outreach case for one newcomer household.

    Filter columns (place, forum area, children, assignment, next action) are
    kept on the case itself so the inbox is one indexed table at 50,000 cases.
    An open case always has a next-action date; a closed one never has.
    """

    __tablename__ = "cases"
    __table_args__ = (
        sa.CheckConstraint(f"status IN ({_STATUS_LIST})", name="status"),
        sa.CheckConstraint(f"is_closed = (status IN ({_CLOSED_LIST}))", name="closed_matches_status"),
        sa.CheckConstraint("is_closed OR next_action_on IS NOT NULL", name="open_has_next_action"),
        sa.Index("ix_cases_inbox", "is_contactable", "is_closed", "next_action_on", "id"),
        sa.Index("ix_cases_status", "is_contactable", "status", "next_action_on"),
        sa.Index("ix_cases_assigned", "assigned_to_id", "is_closed", "next_action_on"),
        sa.Index("ix_cases_forum", "forum_id", "is_closed", "next_action_on"),
        sa.Index("ix_cases_place", "place_id", "is_closed", "next_action_on"),
        sa.Index("ix_cases_handed_to", "handed_to_forum_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    newcomer_id: Mapped[int] = mapped_column(sa.ForeignKey("newcomers.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(sa.String(16), default=workflow.NEW)
    is_closed: Mapped[bool] = mapped_column(default=False)
    # False once consent to contact is withdrawn: the case leaves every list.
    is_contactable: Mapped[bool] = mapped_column(default=True)
    assigned_to_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    place_id: Mapped[int | None] = mapped_column(sa.ForeignKey("places.id"))
    # The forum serving the newcomer's place (geo routing); the one a hand-over goes to.
    forum_id: Mapped[int | None] = mapped_column(sa.ForeignKey("forums.id", ondelete="SET NULL"))
    handed_to_forum_id: Mapped[int | None] = mapped_column(sa.ForeignKey("forums.id", ondelete="SET NULL"))
    has_children: Mapped[bool] = mapped_column(default=False)
    next_action_on: Mapped[date | None] = mapped_column(sa.Date)
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The matching service's last answer (refreshable), and the welcome message being written.
    suggestions: Mapped[list | None] = mapped_column(sa.JSON)
    suggestions_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    welcome_draft: Mapped[dict | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    newcomer: Mapped[Newcomer] = relationship(back_populates="case")
    assigned_to: Mapped[User | None] = relationship()
    place: Mapped[Place | None] = relationship()
    forum: Mapped[Forum | None] = relationship(foreign_keys=[forum_id])
    handed_to_forum: Mapped[Forum | None] = relationship(foreign_keys=[handed_to_forum_id])
    notes: Mapped[list[CaseNote]] = relationship(
        back_populates="case", order_by="CaseNote.created_at.desc(), CaseNote.id.desc()",
        cascade="all, delete-orphan",
    )

    @property
    def is_open(self) -> bool:
        return not self.is_closed

    def __repr__(self) -> str:
        return f"<Case {self.id} {self.status}>"


NOTE_KINDS = ("created", "note", "status", "assignment", "next_action", "email", "letter", "handover",
              "forum_contacted", "forum_attended", "consent", "profile", "request")


class CaseNote(db.Model):
    """One entry on a case's timeline: a note, a status change, an email, a forum's update."""

    __tablename__ = "case_notes"
    __table_args__ = (sa.Index("ix_case_notes_case_id_created_at", "case_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(24))
    text: Mapped[str] = mapped_column(sa.Text, default="")
    data: Mapped[dict | None] = mapped_column(sa.JSON)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    forum_id: Mapped[int | None] = mapped_column(sa.ForeignKey("forums.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="notes")
    author: Mapped[User | None] = relationship()
    forum: Mapped[Forum | None] = relationship()


class HandOver(db.Model):
    """A case handed to a village forum, with what the forum recorded.

    While it is active (not ended) the forum sees the person; it ends when the
    coordinator takes it back or closes the case, or consent is withdrawn.
    """

    __tablename__ = "handovers"
    __table_args__ = (sa.Index("ix_handovers_forum_id_ended_at", "forum_id", "ended_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forums.id", ondelete="CASCADE"))
    handed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    handed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    contacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attended_event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("events.id", ondelete="SET NULL"))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(sa.String(40))

    case: Mapped[Case] = relationship()
    forum: Mapped[Forum] = relationship()
    handed_by: Mapped[User | None] = relationship()
    attended_event: Mapped[Event | None] = relationship()

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


class ContactConfirmation(db.Model):
    """A contact request for an email that already has a case, waiting for that email's owner.

    Anyone can type anyone's email into the public form, so the request changes
    nothing until the link sent to the email is used (outreach/confirmations.py).
    `request` holds the cleaned values until then; it is emptied when the link is
    used, and the row is deleted when it expires (retention.purge_expired).
    """

    __tablename__ = "contact_confirmations"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    # Part of the signed link, so a link never fits another request.
    token_key: Mapped[str] = mapped_column(sa.String(32))
    source: Mapped[str] = mapped_column(sa.String(16))
    language: Mapped[str] = mapped_column(sa.String(2), default="da")
    request: Mapped[dict | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship()
