"""The domain's words, each with text in every language (locales/*/*.po): what people
pick from in conversations and what coordinators filter by."""

ROLES = ("member", "shura", "cso", "other")
# Concern report categories.
CATEGORIES = ("rights", "defender", "gbv", "child", "displacement", "justice", "services",
              "other")
FEEDBACK_TOPICS = ("services", "security", "governance", "peace", "rights", "health",
                   "education", "other")
