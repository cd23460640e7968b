"""Concern reports: filing one, changing its status, and what erasure does to them.

`change_status` is the one way a status changes (the CLI now, the dashboard later):
it records who and when, and tells a reporter who gave their name.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, exists, select, update
from sqlalchemy.orm import Session

from bot.contacts.erasure import Eraser
from bot.core.config import Settings
from bot.outbound.notify import notify, translator
from bot.store import Contact, Feedback, InputQuota, Report, ReportChange, ReportStatus
from bot.text import codes


def code_taken(db: Session, code: str) -> bool:
    return bool(db.scalar(select(exists().where(Report.code == code))))


def file_report(db: Session, contact: Contact, fields: dict, *, now: dt.datetime,
                today: dt.date) -> Report:
    """Stores a report from `fields` (category, occurred, occurred_on, province, district,
    location, description, urgent, anonymous); the caller alerts coordinators if urgent.
    `today` is the day in the deployment's zone, the one every page shows.

    An anonymous report keeps no contact and only the day it arrived: an exact time
    could be matched against the message log to find who sent it."""
    anonymous = bool(fields["anonymous"])
    report = Report(
        code=codes.new_code("R", lambda code: code_taken(db, code)),
        status=ReportStatus.NEW,
        received_on=today,
        created_at=None if anonymous else now,
        contact_id=None if anonymous else contact.id,
        language=contact.language,
        **fields,
    )
    db.add(report)
    db.flush()
    return report


def find_report(db: Session, code: str | None) -> Report | None:
    return db.get(Report, code) if code else None


def change_status(db: Session, report: Report, status: str, by: str, note: str | None,
                  now: dt.datetime, settings: Settings) -> ReportChange | None:
    """Sets the status, records the change, and tells a named reporter in their language.
    None when the report already has this status (nothing recorded, nobody told)."""
    if status not in ReportStatus.ALL:
        raise ValueError(f"unknown status {status!r}; one of {', '.join(ReportStatus.ALL)}")
    if status == report.status:
        return None
    change = ReportChange(report_code=report.code, old_status=report.status, status=status,
                          by=by, note=note or None, at=now)
    db.add(change)
    report.status = status
    _tell_reporter(db, report, now, settings)
    return change


class Told:
    """Whether a status change reached the reporter, for the coordinator's confirmation."""

    MESSAGE = "message"        # a message in their language is on its way
    ANONYMOUS = "anonymous"    # no address: they see it with STATUS <code>
    UNREACHABLE = "unreachable"  # erased or no longer registered


def reporter(db: Session, report: Report) -> Contact | None:
    """The named reporter who can be told about the report, if any."""
    if report.anonymous or report.contact_id is None:
        return None
    contact = db.get(Contact, report.contact_id)
    return contact if contact is not None and contact.registered else None


def told(db: Session, report: Report) -> tuple[str, str | None]:
    """How the reporter learns of a change: (Told.*, their language or None)."""
    if report.anonymous:
        return Told.ANONYMOUS, None
    contact = reporter(db, report)
    if contact is None:
        return Told.UNREACHABLE, None
    return Told.MESSAGE, contact.language


def _tell_reporter(db: Session, report: Report, now: dt.datetime, settings: Settings) -> None:
    contact = reporter(db, report)
    if contact is None:
        return
    t = translator(contact, settings)
    notify(db, contact, t("report.status_changed", code=report.code,
                          status=t(f"report.status.{report.status}")), now=now,
           settings=settings)


def forget_contact(db: Session, contact: Contact) -> None:
    """Erasure keeps that something was reported (category, province, day, status: the
    counts) but not who, nor what they wrote: a description names people and places
    that can point back at the reporter. The exact time goes too (the message log
    could match it), and so do coordinators' notes on those reports."""
    theirs = select(Report.code).where(Report.contact_id == contact.id)
    db.execute(update(ReportChange).where(ReportChange.report_code.in_(theirs))
               .values(note=None))
    db.execute(update(Report).where(Report.contact_id == contact.id)
               .values(contact_id=None, created_at=None, description="", district=None,
                       location=None))
    db.execute(update(Feedback).where(Feedback.contact_id == contact.id)
               .values(contact_id=None, text=""))
    db.execute(delete(InputQuota).where(InputQuota.contact_id == contact.id))


ERASERS = (Eraser(("reports", "feedback", "input_quotas"), forget_contact),)
