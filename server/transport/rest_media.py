"""Pictures over HTTP: uploading one (multipart), addresses for the pictures a reader sees, and the
signed addresses themselves (loaded by <img>, which sends no bearer token)."""
from __future__ import annotations

from aiohttp import web

from ..actions import uploads
from ..actions.auth import access_user_by_token
from ..errors import DomainError, InvalidPayload, Unauthorized
from ..media import images
from ..validate import check_id
from . import payloads as P
from . import responses as R
from .keys import SERVICES
from .rest_base import ROUTES, RouteDoc, api, bearer, error_response, routes

READ_CHUNK = 64 * 1024


@routes.post("/api/uploads")
async def upload(request: web.Request) -> web.StreamResponse:
    svc = request.app[SERVICES]
    try:
        user = await access_user_by_token(svc, bearer(request))
        if user is None:
            raise Unauthorized("log in first", code="unauthorized")
        if request.content_length and request.content_length > images.MAX_BYTES + READ_CHUNK:
            raise images.TooLarge(f"a picture is at most {images.MAX_BYTES // (1024 * 1024)} MB",
                                  max_bytes=images.MAX_BYTES)
        data = await _file_field(request)
        return web.json_response(await uploads.upload_picture(svc, user, data))
    except DomainError as exc:
        return error_response(exc)


async def _file_field(request: web.Request) -> bytes:
    """The `file` field of a multipart form, read in chunks and refused as soon as it passes the limit."""
    if not request.content_type.startswith("multipart/form-data"):
        raise InvalidPayload("send the picture as multipart/form-data with a field named file", field="file")
    try:
        reader = await request.multipart()
        while True:
            part = await reader.next()
            if part is None:
                raise InvalidPayload("the form has no field named file", field="file")
            if getattr(part, "name", None) != "file":
                continue
            chunks, size = [], 0
            while True:
                chunk = await part.read_chunk(READ_CHUNK)
                if not chunk:
                    return b"".join(chunks)
                size += len(chunk)
                if size > images.MAX_BYTES:
                    raise images.TooLarge(f"a picture is at most {images.MAX_BYTES // (1024 * 1024)} MB",
                                          max_bytes=images.MAX_BYTES)
                chunks.append(chunk)
    except (ValueError, AssertionError, web.HTTPException) as exc:
        raise InvalidPayload("the multipart form can't be read", field="file") from exc


ROUTES.append(RouteDoc("POST", "/api/uploads", "Upload one picture (multipart/form-data, field file): JPEG, PNG, "
                       "WebP, GIF or HEIC, at most 10 MB and 40 megapixels; re-encoded without EXIF",
                       True, None, R.UploadOut))


@api("POST", "/api/uploads/addresses", "Addresses signed for you of the pictures you may see (a picture "
     "message's card carries upload ids)", body=P.UploadAddresses, response=R.UploadAddressesOut)
async def upload_addresses(request, svc, user, body):
    return await uploads.sign_addresses(svc, user, body.upload_ids)


async def _serve(request: web.Request, variant: str) -> web.StreamResponse:
    svc = request.app[SERVICES]
    try:
        upload_id = request.match_info["upload_id"]
        check_id(upload_id, "upload_id")
        q = request.query
        upload, data, max_age = await uploads.picture_bytes(svc, upload_id, q.get("u", ""), variant, q.get("e", ""),
                                                            q.get("s", ""))
    except DomainError as exc:
        return error_response(exc)
    etag = f'"{upload.thumb_key if variant == "thumb" else upload.key}"'
    headers = {"Cache-Control": f"private, max-age={max(0, max_age)}, immutable", "ETag": etag,
               "X-Content-Type-Options": "nosniff", "Content-Disposition": "inline",
               "Content-Security-Policy": "default-src 'none'; sandbox"}
    if request.headers.get("If-None-Match") == etag:
        return web.Response(status=304, headers=headers)
    return web.Response(body=data, content_type="image/jpeg" if variant == "thumb" else upload.mime,
                        headers=headers)


@routes.get("/media/{upload_id}")
async def picture(request: web.Request) -> web.StreamResponse:
    return await _serve(request, "full")


@routes.get("/media/{upload_id}/thumb")
async def thumbnail(request: web.Request) -> web.StreamResponse:
    return await _serve(request, "thumb")


@routes.get("/media/avatars/{user_id}")
async def avatar(request: web.Request) -> web.StreamResponse:
    """A user's avatar picture, for anyone (no token: <img> sends none), as public as their name. Its address
    carries ?v=<upload id>, so it is cached for good while it is the user's avatar, and changes with it."""
    svc = request.app[SERVICES]
    try:
        user_id = request.match_info["user_id"]
        check_id(user_id, "user_id")
        upload, data = await uploads.avatar_bytes(svc, user_id)
    except DomainError as exc:
        return error_response(exc)
    current = request.query.get("v") == upload.id
    etag = f'"{upload.thumb_key}"'
    headers = {"Cache-Control": "public, max-age=31536000, immutable" if current else "no-cache", "ETag": etag,
               "X-Content-Type-Options": "nosniff", "Content-Disposition": "inline",
               "Content-Security-Policy": "default-src 'none'; sandbox"}
    if request.headers.get("If-None-Match") == etag:
        return web.Response(status=304, headers=headers)
    return web.Response(body=data, content_type="image/jpeg", headers=headers)
