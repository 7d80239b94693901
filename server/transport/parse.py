"""Payload shapes shared by REST and Socket.IO."""
from __future__ import annotations

from ..actions.messages import Draft
from ..actions.messages.kinds import MESSAGE_TYPES, kind_of
from ..errors import InvalidPayload
from ..validate import MAX_TEXT, Payload

MAX_CLIENT_MSG_ID = 64
MAX_PAYLOAD = 300


def parse_draft(p: Payload) -> Draft:
    kind = kind_of(p.choice("type", MESSAGE_TYPES, required=False, default="text"))
    text = p.str("text", required=kind.text_required, max_len=MAX_TEXT, default="")
    client_msg_id = p.str("client_msg_id", required=False, max_len=MAX_CLIENT_MSG_ID, min_len=1)
    # a pressed quick-reply button: `text` is its title (what people read), `payload` what the assistant gets
    payload = p.str("payload", required=False, max_len=MAX_PAYLOAD, min_len=2)
    if payload is not None and not payload.startswith("/"):
        raise InvalidPayload("payload must be a quick-reply payload starting with /", field="payload")
    return Draft(type=kind.name, text=text, given=kind.parse(p),
                 reply_to=p.id("reply_to", required=False), client_msg_id=client_msg_id,
                 extra={"payload": payload} if payload else None)
