import socketio
from aiohttp import web

from ..services import Services

SERVICES = web.AppKey("services", Services)
SIO = web.AppKey("sio", socketio.AsyncServer)
