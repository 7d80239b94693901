"""The shop stores (catalogue, orders, after-sales, tickets, support cases, settings),
written once over the DocTable protocol (docs.py) that both backends implement."""
from __future__ import annotations

from ..domain.shop import AfterSale, Order, ShopProduct
from ..domain.support import SupportCase, Ticket
from .codec import decode as _decode
from .codec import encode as _encode
from .codec import to_ms
from .docs import DocTable


def _words(query: str) -> tuple[str, ...]:
    return tuple(w.lower() for w in query.split() if w)


class ProductStore:
    def __init__(self, table: DocTable):
        self.table = table

    async def put(self, product: ShopProduct) -> None:
        text = " ".join((product.sku, product.title, product.category, product.description)).lower()
        await self.table.put(id=product.sku, doc=_encode(product), state=product.category, text=text)

    async def get(self, *, sku: str) -> ShopProduct | None:
        return _decode(ShopProduct, await self.table.get(id=sku))

    async def search(self, *, query: str, limit: int = 20, offset: int = 0) -> list[ShopProduct]:
        """Every word of `query` must occur in the sku, title, category or description."""
        docs = await self.table.find(words=_words(query), ascending=True, limit=limit, offset=offset)
        return [_decode(ShopProduct, d) for d in docs]


class OrderStore:
    def __init__(self, table: DocTable):
        self.table = table

    async def put(self, order: Order) -> None:
        await self.table.put(id=order.id, doc=_encode(order), owner=order.customer_id, state=order.status,
                             sort=to_ms(order.created_at))

    async def get(self, *, order_id: str) -> Order | None:
        return _decode(Order, await self.table.get(id=order_id))

    async def list_for_customer(self, *, customer_id: str, limit: int = 20) -> list[Order]:
        """Newest first."""
        return [_decode(Order, d) for d in await self.table.find(owner=customer_id, limit=limit)]


class _CustomerRecords:
    """Records that belong to one customer and move through statuses: after-sales requests, tickets."""
    record_type: type

    def __init__(self, table: DocTable):
        self.table = table

    @staticmethod
    def _columns(record) -> dict:
        return {"id": record.id, "doc": _encode(record), "owner": record.customer_id, "state": record.status,
                "sort": to_ms(record.created_at)}

    async def add(self, record):
        await self.table.insert(**self._columns(record))
        return record

    async def _get(self, record_id: str):
        return _decode(self.record_type, await self.table.get(id=record_id))

    async def update(self, record, *, expect_status: str) -> bool:
        """Compare-and-set on the status: of two concurrent updates, one wins."""
        return await self.table.swap(expect_state=expect_status, **self._columns(record))

    async def list(self, *, customer_id: str | None = None, statuses: tuple[str, ...] | None = None,
                   limit: int = 50, offset: int = 0) -> list:
        """Newest first."""
        docs = await self.table.find(owner=customer_id, states=statuses, limit=limit, offset=offset)
        return [_decode(self.record_type, d) for d in docs]


class AfterSaleStore(_CustomerRecords):
    record_type = AfterSale

    async def get(self, *, request_id: str) -> AfterSale | None:
        return await self._get(request_id)


class TicketStore(_CustomerRecords):
    record_type = Ticket

    async def get(self, *, ticket_id: str) -> Ticket | None:
        return await self._get(ticket_id)


class SupportStore:
    """Support cases, keyed by conversation. `sort` is the time the case entered its
    current state, so the queue is ordered by who has waited longest."""

    def __init__(self, table: DocTable):
        self.table = table

    @staticmethod
    def _columns(case: SupportCase) -> dict:
        entered = {"queued": case.queued_at, "assigned": case.assigned_at,
                   "resolved": case.resolved_at}.get(case.state) or case.updated_at
        return {"id": case.conversation_id, "doc": _encode(case), "owner": case.customer_id, "state": case.state,
                "sort": to_ms(entered)}

    async def add(self, case: SupportCase) -> SupportCase:
        await self.table.insert(**self._columns(case))
        return case

    async def get(self, *, conversation_id: str) -> SupportCase | None:
        return _decode(SupportCase, await self.table.get(id=conversation_id))

    async def for_customer(self, *, customer_id: str) -> SupportCase | None:
        found = await self.table.find(owner=customer_id, limit=1)
        return _decode(SupportCase, found[0]) if found else None

    async def replace(self, case: SupportCase, *, expect_state: str) -> bool:
        """Compare-and-set on the state: two agents claiming one case can't both win."""
        return await self.table.swap(expect_state=expect_state, **self._columns(case))

    async def list(self, *, states: tuple[str, ...], limit: int = 100, offset: int = 0) -> list[SupportCase]:
        """Longest waiting first."""
        docs = await self.table.find(states=states, ascending=True, limit=limit, offset=offset)
        return [_decode(SupportCase, d) for d in docs]

    async def queue_position(self, case: SupportCase) -> int:
        """1 for the case that has waited longest."""
        return 1 + await self.table.count(states=("queued",), before=(to_ms(case.queued_at), case.conversation_id))


class SettingStore:
    """Small shop-wide documents the shop edits in one place: policies, canned replies."""

    def __init__(self, table: DocTable):
        self.table = table

    async def get(self, *, key: str) -> dict | None:
        doc = await self.table.get(id=key)
        return doc["value"] if doc else None

    async def put(self, *, key: str, value: dict) -> None:
        await self.table.put(id=key, doc={"value": value})
