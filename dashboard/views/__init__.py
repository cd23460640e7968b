"""The dashboard's pages: one blueprint each (made with dashboard.page.page_blueprint).
To add a page, write its module and add its blueprint here."""

from . import (
    account,
    audit,
    contacts,
    exports,
    groups,
    messages,
    overview,
    simulator,
    tokens,
    users,
)

PAGES = (
    account.bp,
    overview.bp,
    contacts.bp,
    groups.bp,
    messages.bp,
    simulator.bp,
    exports.bp,
    users.bp,
    tokens.bp,
    audit.bp,
)
