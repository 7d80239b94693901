"""Uploaded pictures: what is known of one, and where it was posted."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

UPLOAD_STATES = ("pending", "attached")  # pending: uploaded, not yet in any message (removed after a day)
MAX_IMAGES = 9  # per message, as WeChat allows


@dataclass(slots=True)
class Upload:
    id: str
    owner_id: str
    key: str            # the stored picture's content key (SHA-256)
    thumb_key: str
    mime: str
    width: int
    height: int
    bytes: int
    created_at: datetime
    state: str = "pending"
    conversations: list[str] = field(default_factory=list)  # where it was posted: their readers may see it
