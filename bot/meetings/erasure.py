"""DELETE: a person's invitations and answers go with them; meetings they organised
stay, without an organiser."""

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from bot.erasure import register
from bot.store import Contact, Invitation, Meeting


@register
def erase_meetings(db: Session, contact: Contact) -> None:
    db.execute(delete(Invitation).where(Invitation.contact_id == contact.id))
    db.execute(update(Meeting).where(Meeting.organiser_id == contact.id)
               .values(organiser_id=None))
