"""The rules book: every scope's moderation rules in this process's memory, loaded at start and
replaced when an admin changes them (on another process too: actions.rules.share_rules)."""
from __future__ import annotations

from ..domain.messages import Conversation
from ..domain.moderation import PLATFORM_SCOPE, GroupRules


class RulesBook:
    """Every scope's rules in memory: loaded at start, replaced when an admin changes them."""

    def __init__(self, default_new_account_hours: int):
        self._rules: dict[str, GroupRules] = {}
        self.default_new_account_hours = default_new_account_hours

    def get(self, scope: str) -> GroupRules:
        found = self._rules.get(scope)
        return found if found is not None else GroupRules(scope=scope)

    def put(self, rules: GroupRules) -> None:
        self._rules[rules.scope] = rules

    def for_conversation(self, conv: Conversation) -> GroupRules:
        return self.get(conv.group_id if conv.group_id else PLATFORM_SCOPE)

    def new_account_hours(self, rules: GroupRules) -> int:
        for candidate in (rules, self.get(PLATFORM_SCOPE)):
            if candidate.new_account_hours is not None:
                return candidate.new_account_hours
        return self.default_new_account_hours
