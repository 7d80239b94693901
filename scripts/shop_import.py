"""Import a shop's catalogue and orders from JSON or CSV.

    python -m scripts.shop_import shop.json
    python -m scripts.shop_import --products products.csv --orders orders.csv

It writes into the configured storage (CHAT_DATA_DIR or CHAT_MONGODB_URI, as the server
would) and checks every row before writing any: a file with one bad row changes nothing.
Orders name their customer by username; see docs/shop-data.md for the columns."""
from __future__ import annotations

import argparse
import asyncio
import csv
import json
import sys
from dataclasses import dataclass, field

from server.actions.shop import parse_order, parse_product
from server.domain.shop import AFTERSALE_STATUSES, AfterSale, Order, ShopProduct
from server.storage.base import Storage, new_id

PRODUCT_COLUMNS = ("sku", "title", "price")
ORDER_COLUMNS = ("order_id", "customer", "status", "sku", "title", "qty", "price")


@dataclass
class ShopData:
    products: list[dict] = field(default_factory=list)
    orders: list[dict] = field(default_factory=list)
    aftersales: list[dict] = field(default_factory=list)


def read_json(path: str) -> ShopData:
    with open(path, encoding="utf-8") as f:
        raw = json.load(f)
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: expected an object with products and/or orders")
    return ShopData(products=list(raw.get("products") or []), orders=list(raw.get("orders") or []),
                    aftersales=list(raw.get("aftersales") or []))


def _rows(path: str, required: tuple[str, ...]) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path}: missing columns {', '.join(missing)}")
        return [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]


def read_products_csv(path: str) -> list[dict]:
    """One row per variant (size, color, stock); rows of one sku are merged."""
    products: dict[str, dict] = {}
    for row in _rows(path, PRODUCT_COLUMNS):
        sku = row["sku"].upper()
        entry = products.setdefault(sku, {"sku": sku, "title": row["title"], "price": row["price"],
                                          "category": row.get("category", ""),
                                          "description": row.get("description", ""),
                                          "image_url": row.get("image_url", ""), "variants": []})
        if row.get("stock", "") != "":
            entry["variants"].append({"size": row.get("size", ""), "color": row.get("color", ""),
                                      "stock": int(row["stock"])})
    return list(products.values())


def read_orders_csv(path: str) -> list[dict]:
    """One row per order item; rows of one order_id are merged."""
    orders: dict[str, dict] = {}
    for row in _rows(path, ORDER_COLUMNS):
        order_id = row["order_id"].upper()
        entry = orders.setdefault(order_id, {
            "id": order_id, "customer": row["customer"], "status": row["status"],
            "created_at": row.get("created_at") or None, "total": row.get("total") or None,
            "carrier": row.get("carrier", ""), "tracking_no": row.get("tracking_no", ""), "items": []})
        entry["items"].append({"sku": row["sku"], "title": row["title"], "size": row.get("size", ""),
                               "color": row.get("color", ""), "qty": int(row["qty"] or 1), "price": row["price"]})
    return list(orders.values())


@dataclass
class Checked:
    products: list[ShopProduct]
    orders: list[Order]
    aftersales: list[AfterSale]


async def check(storage: Storage, data: ShopData, now) -> tuple[Checked, list[str]]:
    """Everything parsed and every customer resolved, or the list of problems."""
    errors: list[str] = []
    products, orders, aftersales = [], [], []
    for number, raw in enumerate(data.products, 1):
        try:
            products.append(parse_product(raw))
        except (ValueError, TypeError, KeyError) as exc:
            errors.append(f"product #{number}: {exc}")
    customers: dict[str, str | None] = {}

    async def customer_id(username: str) -> str | None:
        if username not in customers:
            user = await storage.users.get_by_username(username=username)
            customers[username] = user.id if user else None
        return customers[username]

    for number, raw in enumerate(data.orders, 1):
        who = await customer_id(str(raw.get("customer", "")))
        if who is None:
            errors.append(f"order #{number}: no user named {raw.get('customer')!r}")
            continue
        try:
            orders.append(parse_order(raw, who))
        except (ValueError, TypeError, KeyError) as exc:
            errors.append(f"order #{number}: {exc}")
    for number, raw in enumerate(data.aftersales, 1):
        who = await customer_id(str(raw.get("customer", "")))
        if who is None or raw.get("status", "pending") not in AFTERSALE_STATUSES:
            errors.append(f"after-sales #{number}: unknown customer or status")
            continue
        aftersales.append(AfterSale(
            id=new_id(), kind=raw["kind"], status=raw.get("status", "pending"), customer_id=who,
            order_id=raw["order_id"], created_at=now, updated_at=now, sku=raw.get("sku", ""),
            title=next((p.title for p in products if p.sku == raw.get("sku")), raw.get("sku", "")),
            reason=raw.get("reason", ""), refund_amount=raw.get("refund_amount", "")))
    return Checked(products, orders, aftersales), errors


async def write(storage: Storage, checked: Checked) -> None:
    for product in checked.products:
        await storage.products.put(product)
    for order in checked.orders:
        await storage.orders.put(order)
    for request in checked.aftersales:
        await storage.aftersales.add(request)


async def _main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.shop_import", description=__doc__.split("\n\n")[0])
    parser.add_argument("json_files", nargs="*", help="JSON files with products, orders and aftersales")
    parser.add_argument("--products", action="append", default=[], help="a products CSV file")
    parser.add_argument("--orders", action="append", default=[], help="an orders CSV file")
    args = parser.parse_args(argv)
    data = ShopData()
    try:
        for path in args.json_files:
            part = read_json(path)
            data.products += part.products
            data.orders += part.orders
            data.aftersales += part.aftersales
        for path in args.products:
            data.products += read_products_csv(path)
        for path in args.orders:
            data.orders += read_orders_csv(path)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not (data.products or data.orders):
        parser.error("nothing to import")
    from server.app import open_storage
    from server.clock import Clock
    from server.config import Config
    storage = await open_storage(Config.from_env())
    try:
        checked, errors = await check(storage, data, Clock().now())
        if errors:
            print("nothing imported; fix these first:", *errors, sep="\n  ", file=sys.stderr)
            return 1
        await write(storage, checked)
    finally:
        await storage.aclose()
    print(f"imported {len(checked.products)} products, {len(checked.orders)} orders, "
          f"{len(checked.aftersales)} after-sales requests")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(_main(sys.argv[1:])))
