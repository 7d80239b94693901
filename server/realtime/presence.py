"""Who is connected: online (a live connection), away (every connection said so), offline."""
from __future__ import annotations


class Presence:
    def __init__(self):
        self._sids: dict[str, dict[str, str]] = {}  # user -> sid -> 'online' | 'away'

    def connect(self, user_id: str, sid: str) -> bool:
        """Returns True when the user's visible status changed."""
        before = self.status(user_id)
        self._sids.setdefault(user_id, {})[sid] = "online"
        return self.status(user_id) != before

    def disconnect(self, user_id: str, sid: str) -> bool:
        before = self.status(user_id)
        sids = self._sids.get(user_id, {})
        sids.pop(sid, None)
        if not sids:
            self._sids.pop(user_id, None)
        return self.status(user_id) != before

    def set(self, user_id: str, sid: str, status: str) -> bool:
        before = self.status(user_id)
        if sid in self._sids.get(user_id, {}):
            self._sids[user_id][sid] = status
        return self.status(user_id) != before

    def status(self, user_id: str) -> str:
        sids = self._sids.get(user_id)
        if not sids:
            return "offline"
        return "online" if "online" in sids.values() else "away"
