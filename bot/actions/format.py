"""Chinese wording of shop data: orders, products, size advice and after-sales requests."""
from __future__ import annotations

from typing import Optional

OPEN_FOR_CHANGES = ("pending_payment", "paid")
SHIPPED = ("shipped", "delivered")


def money(value) -> str:
    return f"¥{value}"


def order_line(order: dict, fit: int | None = None) -> str:
    """"SC…（已签收）：降噪蓝牙耳机 Air Pro×1、玻尿酸精华液 30ml×2"; within `fit` characters (a button), the
    first item and how many in all ("…：降噪蓝牙耳机 Air Pro 等 2 件") instead of a cut in the middle of a word."""
    items = "、".join(f"{i['title']}×{i['qty']}" for i in order["items"])
    line = f"{order['id']}（{order['status_label']}）：{items}"
    if fit is None or len(line) <= fit:
        return line
    if len(order["items"]) > 1:
        line = f"{order['id']}（{order['status_label']}）：{order['items'][0]['title']} 等 {len(order['items'])} 件"
    return line[:fit]


def order_status(order: dict) -> str:
    lines = [f"订单 {order['id']}：{order['status_label']}"]
    lines.append("商品：" + "、".join(item_label(i) for i in order["items"]))
    if order.get("carrier"):
        lines.append(f"快递：{order['carrier']} {order.get('tracking_no') or ''}".rstrip())
    events = order.get("logistics") or []
    if events:
        latest = events[-1]
        lines.append(f"最新物流：{latest['at'][5:16].replace('T', ' ')} {latest['text']}")
    elif order["status"] == "paid":
        lines.append("仓库正在备货，一般 48 小时内发出。")
    return "\n".join(lines)


def order_card(order: dict) -> dict:
    return {"card": {"kind": "order", "order_id": order["id"], "status": order["status"],
                     "status_label": order["status_label"], "total": order["total"],
                     "items": [{"sku": i["sku"], "title": i["title"], "qty": i["qty"]} for i in order["items"]],
                     "carrier": order.get("carrier"), "tracking_no": order.get("tracking_no"),
                     "logistics": (order.get("logistics") or [])[-3:]}}


def item_label(item: dict) -> str:
    variant = " ".join(v for v in (item.get("color"), item.get("size")) if v)
    return f"{item['title']}{'（' + variant + '）' if variant else ''}×{item['qty']}"


def product_facts(product: dict) -> str:
    lines = [f"{product['title']}：{money(product['price'])}"]
    if product.get("description"):
        lines.append(product["description"])
    for key, value in (product.get("attributes") or {}).items():
        lines.append(f"{key}：{value}")
    colors = sorted({v["color"] for v in product.get("variants", []) if v.get("color")})
    sizes = list(dict.fromkeys(v["size"] for v in product.get("variants", []) if v.get("size")))
    if colors:
        lines.append("颜色：" + "、".join(colors))
    if sizes:
        lines.append("尺码：" + "、".join(sizes))
    return "\n".join(lines)


def stock_answer(product: dict, size: Optional[str], color: Optional[str]) -> str:
    """Stock of the variant asked for (colour and size read together, never summed over colours);
    a size asked without a colour is answered colour by colour."""
    variants = product.get("variants", [])
    size = size if any(v.get("size") for v in variants) else None
    color = color if any(v.get("color") for v in variants) else None
    wanted = [v for v in variants
              if (not size or str(v.get("size", "")).upper() == size.upper())
              and (not color or v.get("color") == color)]
    label = " ".join(x for x in (color, size) if x)
    if (size or color) and not wanted:
        return f"{product['title']}没有{label}这个规格哦，现有规格：" + "、".join(variant_label(v) for v in variants)
    if (size or color) and len(wanted) > 1:
        parts = [f"{variant_label(v)} {'有货（' + str(v['stock']) + ' 件）' if v['stock'] > 0 else '缺货'}" for v in wanted]
        return f"{product['title']} {label}：" + "；".join(parts) + "。"
    if size or color:
        in_stock = sum(v["stock"] for v in wanted)
        if in_stock > 0:
            return f"{product['title']} {variant_label(wanted[0])}：有货（{in_stock} 件），现在下单 48 小时内发货。"
        return f"{product['title']} {variant_label(wanted[0])}：暂时缺货 😢 可以先收藏，补货后第一时间通知您。"
    available = [v for v in variants if v["stock"] > 0]
    if not available:
        return f"{product['title']}全部规格暂时缺货。"
    sold_out = [v for v in variants if v["stock"] <= 0]
    text = f"{product['title']}有货的规格：" + "、".join(f"{variant_label(v)}（{v['stock']}件）" for v in available)
    if sold_out:
        text += "\n已售罄：" + "、".join(variant_label(v) for v in sold_out)
    return text


def price_line(product: dict, promotions: str = "") -> str:
    return f"{product['title']}：{money(product['price'])}。{promotions}".rstrip()


def variant_label(variant: dict) -> str:
    return " ".join(str(x) for x in (variant.get("color"), variant.get("size")) if x) or "默认"


def size_advice(product: dict, height: Optional[float], weight: Optional[float],
                foot: Optional[float] = None, wide: bool = False, usual: Optional[str] = None) -> str:
    """A size from the product's own chart: by foot length (mm) for shoes, by height and weight otherwise.
    Wide feet or a high instep (`wide`) go up as the shop's fit note says: half a size where the chart has
    half sizes, else the next size up."""
    chart = product.get("size_chart") or []
    if not chart:
        return f"{product['title']}是均码/标准规格，不需要选尺码。"
    by_foot = any("foot_mm" in row for row in chart)
    rows = "\n".join(chart_row(r) for r in chart)
    if by_foot:
        worn = next((r for r in chart if str(r["size"]) == str(usual)), None) if foot is None and usual else None
        if worn is not None:  # "平时穿42": the size they wear elsewhere, and one up for wide feet
            bigger = _next_size(chart, worn) if wide else None
            text = f"{product['title']}：{product.get('fit_note') or ''}您平时穿 {worn['size']} 码，"
            if bigger is not None:
                return text + f"您脚偏宽/脚背高，这款没有半码，建议选大一码 {bigger['size']} 码。"
            return text + f"建议选 {worn['size']} 码。" + ("（已经是最大的尺码了）" if wide else "")
        if foot is None:
            lead = "脚宽或脚背高的话，在按脚长选的尺码上再大半码到一码。" if wide else ""
            return (f"{lead}{product['title']}按脚长选码，尺码表：\n{rows}\n告诉我您的脚长（例如：脚长 25cm 或 250mm），"
                    "我帮您推荐尺码。")
        row = _closest(chart, ((foot, "foot_mm"),))
        bigger = _next_size(chart, row) if wide else None
        if bigger is not None:
            half = "." in str(bigger["size"])
            return (f"按{product['title']}的尺码表，脚长 {foot:g}mm 对应 {row['size']} 码；您脚偏宽/脚背高，"
                    f"{product.get('fit_note') or ''}" +
                    (f"建议选大半码 {bigger['size']} 码。" if half else
                     f"这款没有半码，建议选大一码 {bigger['size']} 码，穿着不挤脚。"))
        text = f"按{product['title']}的尺码表，脚长 {foot:g}mm 建议选 {row['size']} 码。"
        if wide:  # already the largest size of the chart
            text += "您脚偏宽，这已经是最大的尺码了。"
        return text + (product.get("fit_note") or "")
    if height is None and weight is None:
        lead = "这款按身高体重选码，不看脚长。" if foot is not None else ""
        return (f"{lead}{product['title']}尺码表：\n{rows}\n告诉我您的身高和体重（例如：170cm 60kg 或 1米7 120斤），"
                "我帮您推荐尺码。")
    row = _closest(chart, ((height, "height_cm"), (weight, "weight_kg")))
    who = "、".join(x for x in (f"{height:g}cm" if height else "", f"{weight:g}kg" if weight else "") if x)
    text = f"按{product['title']}的尺码表，{who} 建议选 {row['size']} 码。"
    if product.get("fit_note"):
        text += product["fit_note"]
    return text


def _next_size(chart: list[dict], row: dict) -> Optional[dict]:
    """The chart row after this one (the chart is smallest first); a half size when the chart has one."""
    index = chart.index(row)
    return chart[index + 1] if index + 1 < len(chart) else None


def _closest(chart: list[dict], measures) -> dict:
    best = None
    for row in chart:
        score = 0.0
        for value, key in measures:
            if value is None or key not in row:
                continue
            low, high = row[key]
            score += 0 if low <= value <= high else min(abs(value - low), abs(value - high))
        if best is None or score < best[0]:
            best = (score, row)
    return best[1]


def chart_row(row: dict) -> str:
    parts = [row["size"]]
    if "height_cm" in row:
        parts.append(f"身高 {row['height_cm'][0]}-{row['height_cm'][1]}cm")
    if "weight_kg" in row:
        parts.append(f"体重 {row['weight_kg'][0]}-{row['weight_kg'][1]}kg")
    if "foot_mm" in row:
        parts.append(f"脚长 {row['foot_mm'][0]}-{row['foot_mm'][1]}mm")
    return " · ".join(parts)


KIND_LABELS = {"return": "退货", "exchange": "换货", "damaged": "破损售后", "repair": "保修维修", "cancel": "取消订单"}


def aftersale_line(request: dict) -> str:
    line = f"#{request['number']} {request['kind_label']} · {request['title']}：{request['status_label']}"
    if request.get("refund_amount"):
        line += f"，退款 {money(request['refund_amount'])}"
    return line
