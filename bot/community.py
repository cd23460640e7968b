"""Community input, wired together: the feedback and report flows, the STATUS keyword,
status changes and erasure, exports and periodic clean-up."""

import bot.community_export  # noqa: F401
import bot.community_ticks  # noqa: F401
import bot.reports  # noqa: F401
import flows.feedback  # noqa: F401
import flows.report  # noqa: F401
import flows.status  # noqa: F401
