"""Community input, wired together: the feedback and report flows, the STATUS keyword,
status changes and erasure, exports and periodic clean-up."""

import bot.community_export
import bot.community_ticks
import bot.reports  # noqa: F401
import flows.feedback
import flows.report
import flows.status  # noqa: F401
