"""The dashboard's pages: one blueprint each (made with dashboard.page.page_blueprint).
To add a page, write its module and add its blueprint here."""

from .. import work_panels  # noqa: F401  (registers the overview's work panels)
from . import (
    account,
    audit,
    broadcasts,
    contacts,
    exports,
    feedback,
    groups,
    meetings,
    messages,
    overview,
    reports,
    simulator,
    tokens,
    users,
)

PAGES = (
    account.bp,
    overview.bp,
    contacts.bp,
    groups.bp,
    reports.bp,
    feedback.bp,
    meetings.bp,
    broadcasts.bp,
    messages.bp,
    simulator.bp,
    exports.bp,
    users.bp,
    tokens.bp,
    audit.bp,
)
