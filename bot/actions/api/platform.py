"""The action server's only way to shop data: the platform's internal HTTP API.

Every call carries the shared bot secret and the customer's identity exactly as the
platform signed it into the message metadata; the platform checks both and only ever
answers with that customer's own orders. The actions never open the database."""
from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from typing import Any, Optional

import aiohttp

DEFAULT_URL = "http://127.0.0.1:8080"
TIMEOUT = aiohttp.ClientTimeout(total=float(os.environ.get("SHOPCHAT_PLATFORM_TIMEOUT", "5")))


class PlatformError(Exception):
    """The platform could not be reached or refused the call."""


@dataclass(frozen=True)
class Customer:
    """Who is asking, as the platform signed it; never taken from the message text."""
    customer_id: str
    conversation_id: str
    signature: str
    expires: int = 0  # signed with the rest: the platform refuses the identity after this (Unix seconds)


class PlatformClient:
    def __init__(self, base_url: Optional[str] = None, secret: Optional[str] = None):
        self.base_url = (base_url or os.environ.get("SHOPCHAT_PLATFORM_URL") or DEFAULT_URL).rstrip("/")
        self.secret = secret if secret is not None else os.environ.get("SHOPCHAT_BOT_SECRET", "")
        self._session: Optional[aiohttp.ClientSession] = None

    def _client(self) -> aiohttp.ClientSession:
        """One pooled session for the action server's event loop: no new connection per call."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=TIMEOUT)
        return self._session

    def _headers(self, customer: Optional[Customer]) -> dict:
        headers = {"X-Bot-Secret": self.secret}
        if customer is not None:
            headers.update({"X-Customer": customer.customer_id, "X-Conversation": customer.conversation_id,
                            "X-Customer-Sig": customer.signature, "X-Customer-Expires": str(customer.expires)})
        return headers

    async def _call(self, method: str, path: str, customer: Optional[Customer], *, params=None,
                    body=None) -> Optional[dict]:
        """The JSON answer, or None when the platform says 404 (unknown or not yours)."""
        try:
            async with self._client().request(method, self.base_url + path, headers=self._headers(customer),
                                              params=params, json=body) as resp:
                if resp.status == 404:
                    return None
                if resp.status >= 400:
                    raise PlatformError(f"{method} {path}: HTTP {resp.status}: {await resp.text()}")
                return await resp.json()
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise PlatformError(f"{method} {path}: {exc!r}") from exc

    async def orders(self, customer: Customer) -> list[dict]:
        found = await self._call("GET", "/internal/bot/orders", customer)
        return found["orders"] if found else []

    async def order(self, customer: Customer, order_id: str) -> Optional[dict]:
        found = await self._call("GET", f"/internal/bot/orders/{order_id}", customer)
        return found["order"] if found else None

    async def products(self, query: str, limit: int = 5) -> list[dict]:
        found = await self._call("GET", "/internal/bot/products", None, params={"q": query, "limit": str(limit)})
        return found["products"] if found else []

    async def product(self, sku: str) -> Optional[dict]:
        found = await self._call("GET", f"/internal/bot/products/{sku}", None)
        return found["product"] if found else None

    async def aftersales(self, customer: Customer) -> list[dict]:
        found = await self._call("GET", "/internal/bot/aftersales", customer)
        return found["aftersales"] if found else []

    async def create_aftersale(self, customer: Customer, **fields: Any) -> dict:
        found = await self._call("POST", "/internal/bot/aftersales", customer, body=fields)
        if found is None:
            raise PlatformError("the order is not among the customer's orders")
        # duplicate: the same request is still being handled, and nothing new was filed
        return {**found["aftersale"], "duplicate": bool(found.get("duplicate"))}

    async def create_ticket(self, customer: Customer, *, kind: str, summary: str,
                            order_id: str | None = None) -> dict:
        """The ticket opened, with "duplicate": True when it is the open follow-up this order already had."""
        body = {"kind": kind, "summary": summary, **({"order_id": order_id} if order_id else {})}
        found = await self._call("POST", "/internal/bot/tickets", customer, body=body)
        return {**found["ticket"], "duplicate": bool(found.get("duplicate"))}

    async def policies(self) -> dict:
        found = await self._call("GET", "/internal/bot/policies", None)
        return found["policies"] if found else {}
