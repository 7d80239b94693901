"""The app factory: create_app(config) builds everything; resources open and close in cleanup_ctx."""
from __future__ import annotations

import asyncio
import logging
import os
from functools import partial

import socketio
from aiohttp import web

from moderation import AllowAll, ModerationHook
from moderation.behaviour import Limits

from .actions import notify, uploads
from .actions.auth import why_session_ended
from .actions.messages import publish
from .actions.moderation import pictures, reports, sanctions, screen
from .actions.moderation.rules import load_rules, share_rules
from .actions.support import assistant, cases, ensure_bot_user
from .clock import Clock
from .config import Config
from .events import PRESENCE, presence_room
from .integrations import search_text
from .integrations.rasa import BotClient
from .passwords import Passwords
from .policy.hours import BusinessHours
from .policy.rules_book import RulesBook
from .realtime.fanout import install_websocket
from .realtime.presence import presence_for
from .realtime.publisher import Publisher
from .realtime.sessions import LiveSessions
from .services import Services
from .shared.behaviour import behaviour_log
from .shared.counters import rate_limiter
from .shared.locks import keyed_locks
from .storage.base import Storage
from .transport import internal, openapi, rest, rest_media, rest_moderation, rest_shop, rest_support  # noqa: F401  (they register routes)
from .transport import sio as sio_handlers
from .transport.keys import SERVICES, SIO
from .transport.rest_base import routes
from .transport.sio_guard import GUARDED, guard_events
from .transport.static import StaticFiles

log = logging.getLogger(__name__)


async def open_storage(config: Config) -> Storage:
    if config.mongodb_uri:
        from .storage.mongo import open_mongo
        return await open_mongo(config.mongodb_uri)
    from .storage.sqlite import open_sqlite
    return await open_sqlite(config.data_dir, synchronous=config.sqlite_synchronous)


def create_app(config: Config, *, clock: Clock | None = None, storage_factory=None,
               moderation: ModerationHook | None = None, on_start=()) -> web.Application:
    """storage_factory: an async callable returning a Storage (tests pass one for mongomock).
    on_start: async callables run with the services once they are up, before serving (the demo seeding:
    scripts/, outside the app's imports, is handed in by `python -m server`)."""
    clock = clock or Clock()
    hours = BusinessHours.parse(config.support_hours, config.support_days, config.support_tz)
    app = web.Application(client_max_size=1024 * 1024,
                          middlewares=[_internal_only_on(config.internal_port)] if config.internal_port else [])
    # every packet's JSON through safe_json (depth, number length), and events a client may not send
    # refused with an error ack (sio_guard)
    sio = socketio.AsyncServer(async_mode="aiohttp", cors_allowed_origins=[], max_http_buffer_size=256 * 1024,
                               **GUARDED)
    guard_events(sio)
    # websockets without permessage-deflate (as Node's socket.io serves them by default), each remembered
    # on its Engine.IO socket, so that the fan-out writes one shared frame per recipient (realtime/fanout.py)
    install_websocket(sio, max_pending=config.socket_max_pending)
    sio.attach(app)
    app[SIO] = sio

    async def services_ctx(app: web.Application):
        storage = await (storage_factory() if storage_factory else open_storage(config))
        await asyncio.to_thread(search_text.warm_up)
        hook = moderation or _default_moderation(config)
        if hasattr(hook, "lexicon"):
            await asyncio.to_thread(hook.lexicon.warm_up)
        hub = None
        if config.redis_url:
            from .shared.redis import RedisHub
            hub = RedisHub(config.redis_url)
        publisher = Publisher(sio, hub=hub)
        await publisher.start()
        window = config.login_window_seconds
        svc = Services(
            config=config, clock=clock, storage=storage, publisher=publisher,
            passwords=Passwords(time_cost=config.argon2_time_cost, memory_kib=config.argon2_memory_kib),
            moderation=hook, presence=presence_for(hub), secret=config.ensure_secret(), hub=hub,
            live=LiveSessions(sio, hub=hub),
            login_by_pair=rate_limiter(hub, "login-pair", clock, limit=config.login_free_failures,
                                       window_seconds=window),
            login_by_account=rate_limiter(hub, "login-account", clock, limit=config.login_account_ceiling,
                                          window_seconds=window),
            login_known=rate_limiter(hub, "login-known", clock, limit=1,
                                     window_seconds=config.login_known_days * 86400),
            login_by_address=rate_limiter(hub, "login-address", clock, limit=config.login_max_per_address,
                                          window_seconds=window),
            bot=BotClient(enabled=config.bot, url=config.bot_url, timeout=config.bot_timeout_seconds,
                          probe_seconds=config.bot_probe_seconds, workers=config.bot_workers,
                          token=config.ensure_rasa_token() if config.bot else ""),
            hours=hours, bot_secret=config.ensure_bot_secret(),
            behaviour=behaviour_log(hub, Limits(flood_messages=config.flood_messages,
                                                flood_seconds=config.flood_seconds,
                                                repeat_count=config.repeat_count,
                                                repeat_seconds=config.repeat_seconds,
                                                max_mentions=config.max_mentions)),
            rules=RulesBook(config.new_account_hours),
            register_by_address=rate_limiter(hub, "register-address", clock, limit=config.register_per_address,
                                             window_seconds=3600),
            register_overall=rate_limiter(hub, "register-all", clock, limit=config.register_per_hour,
                                          window_seconds=3600),
            report_limiter=rate_limiter(hub, "reports", clock, limit=config.reports_per_hour, window_seconds=3600),
            upload_limiter=rate_limiter(hub, "uploads", clock, limit=config.uploads_per_hour, window_seconds=3600),
            support_locks=keyed_locks(hub, "support"), case_locks=keyed_locks(hub, "case"))
        if config.moderation and config.picture_checks:
            from .media.checks import PictureChecker
            svc.pictures = PictureChecker(storage, clock, workers=config.picture_workers,
                                          budget_seconds=config.picture_check_seconds, ocr=config.picture_ocr)
        if hub is not None:
            svc.access_cache.share(hub)
            hub.on_resubscribed.append(lambda: svc.live.recheck(partial(why_session_ended, svc)))
            share_rules(svc)
            svc.presence.on_offline.append(
                lambda user_id: publisher.publish(PRESENCE, {"user_id": user_id, "status": "offline"},
                                                  presence_room(user_id)))
            await hub.start()
        await load_rules(svc)
        svc.bot_user = await ensure_bot_user(svc)
        await svc.bot.start()
        subscribe_all(svc)
        sio_handlers.attach(sio, svc)
        svc.live.start_sweeping(clock.now, config.session_sweep_seconds)
        upload_sweeper = asyncio.create_task(_sweep_uploads_forever(svc), name="upload-sweep")
        hold_sweeper = asyncio.create_task(pictures.sweep_holds_forever(svc), name="picture-holds") \
            if svc.pictures is not None else None
        app[SERVICES] = svc
        for start in on_start:
            await start(svc)
        yield
        for sweeper in (upload_sweeper, hold_sweeper):
            if sweeper is not None:
                sweeper.cancel()
        await asyncio.gather(*(s for s in (upload_sweeper, hold_sweeper) if s is not None), return_exceptions=True)
        await svc.live.stop_sweeping()
        await svc.tasks.join()
        await svc.bot.close()
        await publisher.stop()
        await svc.tasks.close()
        if svc.pictures is not None:
            await svc.pictures.close()
        if hub is not None:
            await hub.close()
        await storage.aclose()

    app.cleanup_ctx.append(services_ctx)
    app.router.add_routes(routes)
    spec = openapi.build()

    async def openapi_view(request):
        return web.json_response(spec)
    app.router.add_get("/api/openapi.json", openapi_view)
    _add_web(app, config)
    app.on_response_prepare.append(_safety_headers)
    return app


CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; "
       "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
SAFETY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    # scripts, styles, fonts and connections (Socket.IO's websocket included: 'self' covers same-origin ws:
    # and wss: in CSP 3) from this origin only, no inline script or style, no plugins; nobody frames the
    # pages (clickjacking)
    "Content-Security-Policy": CSP,
    "Server": "ShopChat",  # no versions to look vulnerabilities up by
}


async def _safety_headers(request: web.Request, response: web.StreamResponse) -> None:
    for name, value in SAFETY_HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers["Server"] = SAFETY_HEADERS["Server"]


def _internal_only_on(port: int):
    """With an internal listener, the action server's API is not on the public port at all: a 404 there,
    as for any unknown path, so the public side does not even learn it exists."""
    @web.middleware
    async def internal_only(request: web.Request, handler):
        if request.path.startswith("/internal/"):
            sockname = request.transport.get_extra_info("sockname") if request.transport else None
            if not sockname or sockname[1] != port:
                raise web.HTTPNotFound()
        return await handler(request)
    return internal_only


def subscribe_all(svc: Services) -> None:
    """Who follows each domain event, in order: the fan-out first, then moderation's records and cases,
    the person a sanction is about, the desk; notifications and the assistant run after the ack."""
    svc.screen_checks.extend(screen.SCREEN_CHECKS)
    publish.subscribe(svc)
    screen.subscribe(svc)
    reports.subscribe(svc)
    sanctions.subscribe(svc)
    pictures.subscribe(svc)
    cases.subscribe(svc)
    notify.subscribe(svc)
    assistant.subscribe(svc)


UPLOAD_SWEEP_SECONDS = 3600


async def _sweep_uploads_forever(svc: Services) -> None:
    """Each process sweeps pictures never attached to a message (a day old); the swap on their state
    keeps two processes from removing one twice."""
    while True:
        await asyncio.sleep(UPLOAD_SWEEP_SECONDS)
        try:
            await uploads.sweep_unattached(svc)
        except Exception:
            log.exception("the upload sweep failed")


def _default_moderation(config: Config) -> ModerationHook:
    if not config.moderation:
        return AllowAll()
    from moderation import shop_domains
    from moderation.engine import Engine
    return Engine(allowed_domains=shop_domains(config.shop_domains))


def _add_web(app: web.Application, config: Config) -> None:
    index = os.path.join(config.web_dir, "index.html")

    async def index_view(request):
        if not os.path.exists(index):
            raise web.HTTPNotFound(text="the web client is not built")
        return web.FileResponse(index, headers={"Cache-Control": "no-cache"})

    app.router.add_get("/", index_view)
    app.router.add_get("/invite/{code}", index_view)
    static = os.path.join(config.web_dir, "static")
    if os.path.isdir(static):
        app.router.add_get("/static/{path:.+}", StaticFiles(static).handle)
