"""Pictures: uploading one, who may see it (signed addresses), attaching it to messages, and the
sweep of uploads that were never attached. The bytes are checked and re-encoded off the event loop
(media/images.py) and stored content-addressed (storage/blobs.py); what is known of each upload is
in storage, so every process answers the same."""
from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import timedelta

from ..domain.media import Upload
from ..domain.users import User
from ..errors import Forbidden, InvalidPayload, NotFound, RateLimited
from ..media import images, signing
from ..policy.access import access_conversation
from ..services import Services
from ..storage.base import new_id

AVATAR = "avatar"  # moderation.pictures.AVATAR: an upload used as an avatar

log = logging.getLogger(__name__)
UNATTACHED_TTL = timedelta(days=1)
SWEEP_BATCH = 200


async def upload_picture(svc: Services, user: User, data: bytes) -> dict:
    """Checks, re-encodes and stores one picture for this user; answers it with addresses signed for them."""
    wait = await svc.upload_limiter.retry_after(user.id)
    if wait > 0:
        raise RateLimited("too many pictures; try again later", code="upload_rate_limited",
                          retry_after=max(1, round(wait)))
    picture = await asyncio.to_thread(images.process, data)
    await svc.upload_limiter.hit(user.id)
    key = await svc.storage.blobs.put(data=picture.data)
    thumb_key = await svc.storage.blobs.put(data=picture.thumb)
    upload = await svc.storage.uploads.add(Upload(
        id=new_id(), owner_id=user.id, key=key, thumb_key=thumb_key, mime=picture.mime, width=picture.width,
        height=picture.height, bytes=len(picture.data), created_at=svc.clock.now()))
    if svc.pictures is not None:  # read now for moderation: by the time its message is sent, it is done
        svc.pictures.start(upload)
    return {"upload": upload_wire(svc, upload, user.id)}


def upload_wire(svc: Services, upload: Upload, viewer_id: str) -> dict:
    now = svc.clock.now().timestamp()
    return {"id": upload.id, "url": signing.address(svc.secret, upload.id, viewer_id, now),
            "thumb_url": signing.address(svc.secret, upload.id, viewer_id, now, variant="thumb"),
            "mime": upload.mime, "width": upload.width, "height": upload.height, "bytes": upload.bytes}


async def may_see(svc: Services, user: User, upload: Upload) -> bool:
    """Its uploader, and whoever may read a conversation it was posted in."""
    if upload.owner_id == user.id or AVATAR in upload.conversations:  # an avatar is public, as a name is
        return True
    for conversation_id in upload.conversations:
        if conversation_id == AVATAR:
            continue
        try:
            await access_conversation(svc, user, conversation_id)
            return True
        except (NotFound, Forbidden):
            continue
    return False


async def sign_addresses(svc: Services, user: User, upload_ids: list) -> dict:
    """Addresses for the pictures of messages this user sees (a message's card carries upload ids only: one
    payload goes to every reader, and each reader's addresses are their own). Unknown or unseeable ids are
    left out, never told apart."""
    if not isinstance(upload_ids, list) or not upload_ids or len(upload_ids) > 100 or \
            not all(isinstance(i, str) and 0 < len(i) <= 64 for i in upload_ids):
        raise InvalidPayload("upload_ids must be a list of 1-100 ids", field="upload_ids")
    out = {}
    for upload_id in dict.fromkeys(upload_ids):
        upload = await svc.storage.uploads.get(upload_id=upload_id)
        if upload is not None and await may_see(svc, user, upload):
            out[upload_id] = upload_wire(svc, upload, user.id)
    return {"uploads": out}


async def picture_bytes(svc: Services, upload_id: str, viewer_id: str, variant: str, expires: str,
                        signature: str) -> tuple[Upload, bytes, int]:
    """The bytes a signed address stands for, checked again against who may see the picture now (a member
    who left no longer loads it). Raises NotFound / Forbidden."""
    now = svc.clock.now().timestamp()
    why = signing.check(svc.secret, upload_id, viewer_id, variant, expires, signature, now)
    if why is not None:
        raise Forbidden("this picture's address is not valid" if why == "bad_signature"
                        else "this picture's address has expired", code=f"media_{why}")
    upload = await svc.storage.uploads.get(upload_id=upload_id)
    viewer = await svc.storage.users.get(user_id=viewer_id)
    if upload is None or viewer is None or not await may_see(svc, viewer, upload):
        raise NotFound("no such picture", code="not_found")
    data = await svc.storage.blobs.get(key=upload.thumb_key if variant == "thumb" else upload.key)
    if data is None:
        raise NotFound("no such picture", code="not_found")
    return upload, data, int(expires) - int(now)


async def avatar_bytes(svc: Services, user_id: str) -> tuple[Upload, bytes]:
    """A user's avatar picture (its thumbnail), for anyone: NotFound when they have none."""
    user = await svc.storage.users.get(user_id=user_id)
    upload = await svc.storage.uploads.get(upload_id=user.avatar_upload) if user and user.avatar_upload else None
    data = await svc.storage.blobs.get(key=upload.thumb_key) if upload is not None else None
    if data is None:
        raise NotFound("no such avatar", code="not_found")
    return upload, data


async def check_attachable(svc: Services, user: User, given: list[dict]) -> list[Upload]:
    """The uploads a message of this user may carry: their own, each once. `given`: the image kind's parse
    (1-9 {upload_id} with the ids checked)."""
    ids = [item["upload_id"] for item in given]
    if len(set(ids)) != len(ids):
        raise InvalidPayload("the same picture twice in one message", field="images")
    found = []
    for upload_id in ids:
        upload = await svc.storage.uploads.get(upload_id=upload_id)
        if upload is None or upload.owner_id != user.id:  # someone else's picture: as if it didn't exist
            raise NotFound("no such upload", code="upload_not_found", upload_id=upload_id)
        found.append(upload)
    return found


async def attach(svc: Services, uploads: list[Upload], conversation_id: str) -> None:
    """Records that these pictures were posted in this conversation (its readers may now see them)."""
    for upload in uploads:
        for _ in range(5):  # a compare-and-set on the state: two messages posting one picture both count
            current = await svc.storage.uploads.get(upload_id=upload.id)
            if current is None:
                break
            if conversation_id in current.conversations and current.state == "attached":
                break
            changed = replace(current, state="attached",
                              conversations=[*current.conversations, conversation_id]
                              if conversation_id not in current.conversations else current.conversations)
            if await svc.storage.uploads.swap(changed, expect_state=current.state):
                break
        else:
            log.warning("upload %s: could not record conversation %s", upload.id, conversation_id)


async def sweep_unattached(svc: Services) -> int:
    """Removes uploads never attached to a message after a day, and their bytes where nothing else holds them."""
    cutoff = svc.clock.now() - UNATTACHED_TTL
    removed = 0
    for upload in await svc.storage.uploads.list(states=("pending",), limit=SWEEP_BATCH, ascending=True):
        if upload.created_at > cutoff:
            break
        gone = replace(upload, state="removed")
        if not await svc.storage.uploads.swap(gone, expect_state="pending"):
            continue  # attached meanwhile
        await svc.storage.uploads.delete(upload_id=upload.id)
        for key in {upload.key, upload.thumb_key}:
            if not await svc.storage.uploads.using_key(key=key):
                await svc.storage.blobs.delete(key=key)
        removed += 1
    return removed


def card_images(uploads: list[Upload]) -> list[dict]:
    """What a picture message stores: ids and shapes, never addresses (they are per reader)."""
    return [{"upload_id": u.id, "width": u.width, "height": u.height, "mime": u.mime} for u in uploads]
