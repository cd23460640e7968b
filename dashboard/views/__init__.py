"""The dashboard's pages: one blueprint each (made with dashboard.page.page_blueprint).
To add a page, write its module (a blueprint `bp` and a NavItem `NAV`) and list it here."""

from dashboard.views import (
    account,
    audit,
    broadcasts,
    channels,
    consultations,
    contacts,
    conversations,
    exports,
    feedback,
    groups,
    meetings,
    messages,
    overview,
    partners,
    recommendations,
    reports,
    simulator,
    tokens,
    users,
)

MODULES = (account, overview, contacts, groups, reports, feedback, meetings, broadcasts,
           messages, simulator, exports, users, tokens, audit, consultations,
           recommendations)
MODULES = (*MODULES, channels, conversations, partners)
PAGES = tuple(module.bp for module in MODULES)
NAV = tuple(module.NAV for module in MODULES)
