"""DELETE: a person's invitations and answers go with them; meetings they organised
stay, without an organiser."""

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from bot.contacts.erasure import Eraser
from bot.store import Contact, Invitation, Meeting


def erase_meetings(db: Session, contact: Contact) -> None:
    db.execute(delete(Invitation).where(Invitation.contact_id == contact.id))
    db.execute(update(Meeting).where(Meeting.organiser_id == contact.id)
               .values(organiser_id=None))


ERASERS = (Eraser(("invitations", "meetings"), erase_meetings),)
