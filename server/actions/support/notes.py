"""What only the desk sees: internal notes in a case (never a message, so never in the customer's
history, sync, search or socket) and per-customer notes and labels kept across conversations."""
from __future__ import annotations

from ... import events, wire
from ...domain.support import CaseNote, CustomerProfile
from ...domain.users import User
from ...errors import InvalidPayload, NotFound
from ...policy.access import check_staff
from ...services import Services
from ...storage.base import new_id
from ...validate import check_text
from .cases import find_case

CASE_NOTE = "support:note"  # to the desk room only: an agent added an internal note to a case
MAX_NOTE = 1000
MAX_PROFILE_NOTE = 1000
MAX_LABELS = 10
MAX_LABEL = 12


def note_wire(note: CaseNote) -> dict:
    return {"id": note.id, "conversation_id": note.conversation_id, "author_id": note.author_id, "text": note.text,
            "created_at": wire.ts(note.created_at)}


def profile_wire(profile: CustomerProfile) -> dict:
    return {"customer_id": profile.customer_id, "note": profile.note, "labels": list(profile.labels),
            "updated_at": wire.ts(profile.updated_at),
            "updated_by": profile.updated_by}


async def access_notes(svc: Services, user: User, conversation_id: str) -> list[dict]:
    check_staff(user)
    await find_case(svc, conversation_id)
    return [note_wire(n) for n in await svc.storage.case_notes.list(conversation_id=conversation_id)]


async def check_add_note(svc: Services, user: User, conversation_id: str, text) -> dict:
    """Any agent may leave a note in any case (a colleague's too: that is what notes are for)."""
    check_staff(user)
    await find_case(svc, conversation_id)
    if not isinstance(text, str):
        raise InvalidPayload("text must be a string", field="text")
    text = check_text(text, "text").strip()
    if not text or len(text) > MAX_NOTE:
        raise InvalidPayload(f"a note is 1-{MAX_NOTE} characters", field="text")
    note = await svc.storage.case_notes.add(CaseNote(id=new_id(), conversation_id=conversation_id,
                                                     author_id=user.id, text=text, created_at=svc.clock.now()))
    body = note_wire(note)
    svc.publisher.publish(CASE_NOTE, body, events.desk_room())
    return body


async def access_profile(svc: Services, user: User, customer_id: str) -> dict:
    check_staff(user)
    if await svc.storage.users.get(user_id=customer_id) is None:
        raise NotFound("no such customer")
    return profile_wire(await svc.storage.profiles.get(customer_id=customer_id))


async def check_set_profile(svc: Services, user: User, customer_id: str, *, note, labels) -> dict:
    check_staff(user)
    if await svc.storage.users.get(user_id=customer_id) is None:
        raise NotFound("no such customer")
    current = await svc.storage.profiles.get(customer_id=customer_id)
    if note is not None:
        if not isinstance(note, str) or len(note) > MAX_PROFILE_NOTE:
            raise InvalidPayload(f"note is at most {MAX_PROFILE_NOTE} characters", field="note")
        note = check_text(note, "note").strip()
    if labels is not None:
        if not isinstance(labels, list) or len(labels) > MAX_LABELS:
            raise InvalidPayload(f"labels is a list of at most {MAX_LABELS}", field="labels")
        clean = []
        for label in labels:
            if not isinstance(label, str):
                raise InvalidPayload("each label is a text", field="labels")
            label = check_text(label, "labels", lines=False, what="a label").strip()
            if not label or len(label) > MAX_LABEL:
                raise InvalidPayload(f"a label is 1-{MAX_LABEL} characters", field="labels")
            if label not in clean:
                clean.append(label)
        labels = clean
    profile = CustomerProfile(customer_id=customer_id, note=current.note if note is None else note,
                              labels=current.labels if labels is None else labels, updated_at=svc.clock.now(),
                              updated_by=user.id)
    await svc.storage.profiles.put(profile)
    return profile_wire(profile)


async def access_note_search(svc: Services, user: User, query: str) -> list[dict]:
    """The desk's search over internal notes; customers have none to search."""
    check_staff(user)
    return [note_wire(n) for n in await svc.storage.case_notes.search(query=query)]
