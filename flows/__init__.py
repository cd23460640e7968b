"""The conversation engine and the flows. No HTTP and no provider SDKs here.

Importing this package registers every flow, keyword and menu item.
"""

from flows import core, registration  # noqa: F401  (registers flows)
