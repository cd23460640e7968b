"""Community input, wired together: the feedback and report flows, the STATUS keyword,
status changes and erasure, exports and periodic clean-up."""

import flows.feedback
import flows.report
import flows.status  # noqa: F401
