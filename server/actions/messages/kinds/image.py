"""A picture message: 1-9 of the sender's own uploads (晒单, 种草, a damage photo), with optional words
beside them, moderated like any text. The card keeps the upload ids and shapes only: each reader gets
addresses signed for them (POST /api/uploads/addresses), since one payload goes to every reader."""
from __future__ import annotations

from ....errors import InvalidPayload


class ImageKind:
    name = "image"
    text_required = False

    def parse(self, p) -> dict | None:
        """`image: {upload_id}` for one picture, or `images: [{upload_id}, ...]` for up to nine."""
        data = p.data
        if data.get("images") is not None:
            return {"images": data["images"]}
        if isinstance(data.get("image"), dict):
            return {"images": [data["image"]]}
        raise InvalidPayload("a picture message needs image: {upload_id} or images: [...]", field="images")

    async def card(self, svc, given: dict | None, *, author=None, conversation=None) -> dict:
        from ...uploads import card_images, check_attachable
        uploads = await check_attachable(svc, author, (given or {}).get("images"))
        return {"kind": "image", "images": card_images(uploads)}

    async def stored(self, svc, card: dict, conversation) -> None:
        """Once the message is stored, and before anyone is told: its readers may now see the pictures."""
        from ...uploads import attach
        uploads = [await svc.storage.uploads.get(upload_id=i["upload_id"]) for i in card.get("images", [])]
        await attach(svc, [u for u in uploads if u is not None], conversation.id)

    def assistant_request(self, card: dict | None) -> str | None:
        return None

    def text_of(self, text: str, card: dict | None) -> str:
        return text


KIND = ImageKind()
