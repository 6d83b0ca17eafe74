"""Moved to :mod:`habeas.messages` (messages are not audit; the store uses them too).

Kept only so that branches written before the move still import; new code imports
:mod:`habeas.messages`.
"""

from habeas.messages import N_, Message, MessageError, MessageUsageError, say

__all__ = ["N_", "Message", "MessageError", "MessageUsageError", "say"]
