"""A picture message: 1-9 of the sender's own uploads (晒单, 种草, a damage photo), with optional words
beside them, moderated like any text. The card keeps the upload ids and shapes only: each reader gets
addresses signed for them (POST /api/uploads/addresses), since one payload goes to every reader."""
from __future__ import annotations

from ....domain.media import MAX_IMAGES
from ....errors import InvalidPayload
from ....validate import Payload


class ImageKind:
    name = "image"
    text_required = False

    def parse(self, p) -> dict | None:
        """`image: {upload_id}` for one picture, or `images: [{upload_id}, ...]` for up to nine (each id checked
        as an id; whose upload it is, is the card's business)."""
        data = p.data
        given = data.get("images") if data.get("images") is not None else (
            [data["image"]] if data.get("image") is not None else None)
        if not isinstance(given, list) or not 1 <= len(given) <= MAX_IMAGES:
            raise InvalidPayload(f"a picture message needs image: {{upload_id}} or images: [1-{MAX_IMAGES} of them]",
                                 field="images")
        ids = []
        for item in given:
            if not isinstance(item, dict):
                raise InvalidPayload("each picture is {upload_id}", field="images")
            ids.append({"upload_id": Payload(item).id("upload_id")})
        return {"images": ids}

    async def card(self, svc, given: dict | None, *, author=None, conversation=None) -> dict:
        from ...uploads import card_images, check_attachable
        uploads = await check_attachable(svc, author, given["images"])  # what parse() returned
        return {"kind": "image", "images": card_images(uploads)}

    async def stored(self, svc, card: dict, conversation) -> None:
        """Once the message is stored, and before anyone is told: its readers may now see the pictures."""
        from ...uploads import attach
        uploads = [await svc.storage.uploads.get(upload_id=i["upload_id"]) for i in card.get("images", [])]
        await attach(svc, [u for u in uploads if u is not None], conversation.id)

    def assistant_request(self, card: dict | None) -> str | None:
        """A picture sent to the assistant (a damage photo): the send_photo intent with its upload ids, as a
        pressed button's payload reaches Rasa (`/send_photo{"photo_ids":[...]}`). The ids were checked as the
        sender's own when the card was built; a request filed with them checks them again."""
        ids = [i.get("upload_id") for i in (card or {}).get("images") or () if isinstance(i, dict)]
        ids = [i for i in ids if isinstance(i, str) and i]
        if not ids:
            return None
        import json
        return "/send_photo" + json.dumps({"photo_ids": ids}, separators=(",", ":"))

    def text_of(self, text: str, card: dict | None) -> str:
        return text


KIND = ImageKind()
