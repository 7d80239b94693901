"""How models look on the wire (REST bodies and Socket.IO payloads): one place."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from typing_extensions import NotRequired, TypedDict  # pydantic reads typing's TypedDict only on 3.12+

from .domain.groups import Group, Invite, Membership, Pin
from .domain.messages import AUTHOR_SEES, MEMBERS_SEE_WHY, Conversation, Message, Notification
from .domain.moderation import Appeal, AuditEntry, GroupRules, ModCase, Sanction
from .domain.shop import AFTERSALE_KINDS, AFTERSALE_STATUSES, ORDER_STATUSES, AfterSale, Order, ShopProduct
from .domain.support import TICKET_KINDS, SupportCase, Ticket
from .domain.users import User


def ts(dt: datetime | None) -> str | None:
    if dt is None:
        return None
    return dt.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def initials(name: str) -> str:
    name = name.strip()
    if not name:
        return "?"
    if name[0].isascii():
        parts = name.split()
        return "".join(p[0] for p in parts[:2]).upper() if len(parts) > 1 else name[:2].upper()
    return name[-2:] if len(name) >= 2 else name  # Chinese names: the given name's characters


# -- the shapes below, declared for the OpenAPI document (server/transport/openapi.py) ----------------
# Each function returns exactly its TypedDict; NotRequired keys are the ones a function adds only sometimes.

Time = str | None  # ISO 8601 UTC with milliseconds and a Z, or null


class Avatar(TypedDict):
    initials: str
    color: str
    url: NotRequired[str]  # their picture (GET /media/avatars/{id}?v=<upload id>); none: initials on the colour


class UserWire(TypedDict):
    id: str
    username: str
    display_name: str
    role: str
    bio: str
    avatar: Avatar
    created_at: Time


class GroupWire(TypedDict):
    id: str
    name: str
    description: str
    visibility: str
    owner_id: str
    conversation_id: str
    member_count: int
    announcement: str
    announcement_at: Time
    created_at: Time
    my_role: NotRequired[str]


class MemberWire(TypedDict):
    user_id: str
    role: str
    joined_at: Time
    user: NotRequired[UserWire]


class InviteWire(TypedDict):
    code: str
    group_id: str
    expires_at: Time
    max_uses: int | None
    uses: int
    url: str


class MessageWire(TypedDict):
    id: str
    conversation_id: str
    group_id: str | None
    seq: int
    author_id: str
    type: str
    text: str
    client_msg_id: str | None
    reply_to: str | None
    mentions: list[str]
    mention_all: bool
    reactions: dict[str, list[str]]
    like_count: int
    created_at: Time
    edited_at: Time
    edited: bool
    deleted: bool
    hidden: bool
    hidden_reason: NotRequired[str]
    card: NotRequired[dict[str, Any]]
    product: NotRequired[dict[str, Any]]
    buttons: NotRequired[list[dict[str, Any]]]
    payload: NotRequired[str]


class ThreadWire(TypedDict):
    id: str
    conversation_id: str
    group_id: str | None
    title: str | None
    author_id: str | None
    pinned: bool
    closed: bool
    like_count: int
    reply_count: int
    last_seq: int
    created_at: Time
    last_activity_at: Time
    tag: str | None          # "showcase" (晒单), "recommend" (种草) or null
    product_id: str | None   # the SKU a tagged thread is about
    # these two wherever the server works them out (the thread routes, thread:new/updated, the gallery;
    # not search hits): the product as its card shows it (null once it left the catalogue), and 已购
    product: NotRequired[dict[str, Any] | None]
    purchased: NotRequired[bool]


class ConversationWire(TypedDict):
    id: str
    kind: str
    group_id: str | None
    participants: list[str]
    last_seq: int
    last_activity_at: Time
    title: NotRequired[str | None]


class PinWire(TypedDict):
    group_id: str
    message_id: str
    pinned_by: str
    pinned_at: Time


class NotificationWire(TypedDict):
    id: str
    kind: str
    conversation_id: str
    message_id: str
    actor_id: str | None
    created_at: Time
    read: bool


class ProductWire(TypedDict):
    sku: str
    title: str
    price: str
    category: str
    description: str
    attributes: dict[str, Any]
    variants: list[dict[str, Any]]
    size_chart: list[dict[str, Any]]
    fit_note: str
    image_url: str
    in_stock: bool


class OrderWire(TypedDict):
    id: str
    customer_id: str
    status: str
    status_label: str
    items: list[dict[str, Any]]
    total: str
    created_at: Time
    carrier: str
    tracking_no: str
    logistics: list[dict[str, Any]]


class AfterSaleWire(TypedDict):
    id: str
    number: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    customer_id: str
    order_id: str
    sku: str
    title: str
    reason: str
    description: str
    exchange_detail: str
    refund_amount: str
    note: str
    conversation_id: str
    photos: list[dict]
    created_at: Time
    updated_at: Time


class TicketWire(TypedDict):
    id: str
    number: str
    kind: str
    kind_label: str
    status: str
    customer_id: str
    summary: str
    conversation_id: str
    order_id: str | None
    created_at: Time
    updated_at: Time


class RatingWire(TypedDict):
    score: int | None
    comment: str
    agent_id: str | None
    rated_at: Time


class SupportCaseWire(TypedDict):
    conversation_id: str
    customer_id: str
    state: str
    agent_id: str | None
    position: int | None
    waiting_seconds: int | None
    queued_at: Time
    assigned_at: Time
    resolved_at: Time
    rating_pending: bool
    handoff_reason: NotRequired[str]  # these four: SUPPORT_STAFF_FIELDS, the desk's view only
    context: NotRequired[dict[str, Any]]
    opened_at: NotRequired[Time]
    ratings: NotRequired[list[RatingWire]]


class RulesWire(TypedDict):
    scope: str
    words: list[dict[str, Any]]
    allow: list[str]
    slow_mode_seconds: int
    new_account_hours: int | None
    effective_new_account_hours: int
    require_order: bool
    members_may_mention_all: bool
    hide_threshold: float
    hold_pictures: bool
    updated_at: Time
    updated_by: str | None


class CaseWire(TypedDict):
    id: str
    target_kind: str
    target_id: str
    scope: str
    group_id: str | None
    conversation_id: str | None
    message_id: str | None
    author_id: str
    state: str
    score: float
    source: str
    snapshot: str
    rule: str
    categories: list[str]
    report_count: int
    reports: list[dict[str, Any]]
    hidden: bool
    resolution: dict[str, Any]
    created_at: Time
    updated_at: Time


class AppealWire(TypedDict):
    id: str
    sanction_id: str
    user_id: str
    scope: str
    text: str
    state: str
    created_at: Time
    decided_at: Time
    decided_by: str | None
    decision_reason: str


class SanctionWire(TypedDict):
    id: str
    user_id: str
    kind: str
    scope: str
    reason: str
    rule: str
    moderator_id: str | None
    created_at: Time
    expires_at: Time
    permanent: bool
    in_force: bool
    seconds_left: int | None
    case_id: str | None
    message_id: str | None
    lifted_at: Time
    appeal: AppealWire | None


class AuditWire(TypedDict):
    id: str
    at: Time
    actor_id: str | None
    action: str
    scope: str
    target_kind: str
    target_id: str
    reason: str
    rule: str
    details: dict[str, Any]


def avatar(u: User) -> Avatar:
    body: Avatar = {"initials": initials(u.display_name), "color": u.avatar_color}
    if u.avatar_upload:  # public, as a name is: anyone who sees the user sees it (the address changes with it)
        body["url"] = f"/media/avatars/{u.id}?v={u.avatar_upload}"
    return body


def user(u: User) -> UserWire:
    return {"id": u.id, "username": u.username, "display_name": u.display_name, "role": u.role, "bio": u.bio,
            "avatar": avatar(u),
            "created_at": ts(u.created_at)}


def group(g: Group, *, my_role: str | None = None) -> GroupWire:
    body: GroupWire = {"id": g.id, "name": g.name, "description": g.description, "visibility": g.visibility,
            "owner_id": g.owner_id, "conversation_id": g.conversation_id, "member_count": g.member_count,
            "announcement": g.announcement, "announcement_at": ts(g.announcement_at), "created_at": ts(g.created_at)}
    if my_role is not None:
        body["my_role"] = my_role
    return body


def member(m: Membership, u: User | None = None) -> MemberWire:
    body: MemberWire = {"user_id": m.user_id, "role": m.role, "joined_at": ts(m.joined_at)}
    if u is not None:
        body["user"] = user(u)
    return body


def invite(i: Invite) -> InviteWire:
    return {"code": i.code, "group_id": i.group_id, "expires_at": ts(i.expires_at), "max_uses": i.max_uses,
            "uses": i.uses, "url": f"/invite/{i.code}"}


def message(m: Message, *, viewer: str | None = None, reveal: bool = False) -> MessageWire:
    """A hidden message shows as an empty placeholder, except to moderators (reveal) and, while it
    is held for review, to its author (viewer)."""
    body: MessageWire = {"id": m.id, "conversation_id": m.conversation_id, "group_id": m.group_id, "seq": m.seq, "author_id": m.author_id,
            "type": m.type, "text": m.text, "client_msg_id": m.client_msg_id, "reply_to": m.reply_to,
            "mentions": list(m.mentions), "mention_all": m.mention_all, "reactions": m.reactions,
            "like_count": m.like_count, "created_at": ts(m.created_at), "edited_at": ts(m.edited_at),
            "edited": m.edited_at is not None, "deleted": m.deleted_at is not None, "hidden": m.hidden is not None}
    if m.hidden is not None:
        if reveal or (m.hidden in AUTHOR_SEES and viewer == m.author_id):
            body["hidden_reason"] = m.hidden
        else:
            body.update(text="", mentions=[], reactions={}, client_msg_id=None)
            if m.hidden in MEMBERS_SEE_WHY:  # 该消息已被管理员删除: why, never what
                body["hidden_reason"] = m.hidden
            return body
    if m.card is not None:
        body["card"] = m.card
        if m.type == "product":  # the card's older spelling, kept for clients that read it
            body["product"] = {k: v for k, v in m.card.items() if k != "kind"}
    if m.extra:
        body.update({k: v for k, v in m.extra.items() if k in ("buttons", "payload")})
    return body


def thread(c: Conversation, *, product: ShopProduct | None = None, purchased: bool | None = None) -> ThreadWire:
    """`purchased`: 已购 as actions/threads.py worked it out (never from the client); None leaves both it and the
    product out (a search hit)."""
    body: ThreadWire = {"id": c.id, "conversation_id": c.id, "group_id": c.group_id, "title": c.title,
            "author_id": c.author_id, "pinned": c.pinned, "closed": c.closed, "like_count": c.like_count,
            "reply_count": max(0, c.last_seq - 1), "last_seq": c.last_seq, "created_at": ts(c.created_at),
            "last_activity_at": ts(c.last_activity_at), "tag": c.tag, "product_id": c.product_id}
    if purchased is not None:
        body["purchased"] = purchased
        body["product"] = ({"sku": product.sku, "title": product.title, "price": product.price,
                            "image_url": product.image_url} if product is not None else None)
    return body


def conversation(c: Conversation) -> ConversationWire:
    body: ConversationWire = {"id": c.id, "kind": c.kind, "group_id": c.group_id, "participants": list(c.participants),
            "last_seq": c.last_seq, "last_activity_at": ts(c.last_activity_at)}
    if c.kind == "thread":
        body["title"] = c.title
    return body


def pin(p: Pin) -> PinWire:
    return {"group_id": p.group_id, "message_id": p.message_id, "pinned_by": p.pinned_by,
            "pinned_at": ts(p.pinned_at)}


def notification(n: Notification) -> NotificationWire:
    return {"id": n.id, "kind": n.kind, "conversation_id": n.conversation_id, "message_id": n.message_id,
            "actor_id": n.actor_id, "created_at": ts(n.created_at), "read": n.read}


def short_number(record_id: str) -> str:
    """What a customer reads out to an agent: the id's last 8 characters."""
    return record_id[-8:].upper()


def product(p: ShopProduct) -> ProductWire:
    return {"sku": p.sku, "title": p.title, "price": p.price, "category": p.category, "description": p.description,
            "attributes": p.attributes, "variants": p.variants, "size_chart": p.size_chart, "fit_note": p.fit_note,
            "image_url": p.image_url,
            "in_stock": any(v.get("stock", 0) > 0 for v in p.variants) if p.variants else True}


def order(o: Order) -> OrderWire:
    return {"id": o.id, "customer_id": o.customer_id, "status": o.status, "status_label": ORDER_STATUSES[o.status],
            "items": o.items, "total": o.total, "created_at": ts(o.created_at), "carrier": o.carrier,
            "tracking_no": o.tracking_no, "logistics": o.logistics}


def aftersale(a: AfterSale) -> AfterSaleWire:
    return {"id": a.id, "number": short_number(a.id), "kind": a.kind, "kind_label": AFTERSALE_KINDS[a.kind],
            "status": a.status, "status_label": AFTERSALE_STATUSES[a.status], "customer_id": a.customer_id,
            "order_id": a.order_id, "sku": a.sku, "title": a.title, "reason": a.reason, "description": a.description,
            "exchange_detail": a.exchange_detail, "refund_amount": a.refund_amount, "note": a.note,
            "conversation_id": a.conversation_id, "photos": [dict(p) for p in a.photos],
            "created_at": ts(a.created_at), "updated_at": ts(a.updated_at)}


def ticket(t: Ticket) -> TicketWire:
    return {"id": t.id, "number": short_number(t.id), "kind": t.kind, "kind_label": TICKET_KINDS[t.kind],
            "status": t.status, "customer_id": t.customer_id, "summary": t.summary,
            "conversation_id": t.conversation_id, "order_id": t.order_id, "created_at": ts(t.created_at),
            "updated_at": ts(t.updated_at)}


SUPPORT_STAFF_FIELDS = ("handoff_reason", "context", "opened_at", "ratings")  # what only the desk sees


def support_case(c: SupportCase, *, position: int | None = None, waiting_seconds: int | None = None,
                 for_staff: bool = False) -> SupportCaseWire:
    body: SupportCaseWire = {"conversation_id": c.conversation_id, "customer_id": c.customer_id, "state": c.state,
            "agent_id": c.agent_id, "position": position, "waiting_seconds": waiting_seconds,
            "queued_at": ts(c.queued_at), "assigned_at": ts(c.assigned_at), "resolved_at": ts(c.resolved_at),
            "rating_pending": c.rating_pending}
    if for_staff:  # the keys of SUPPORT_STAFF_FIELDS
        body.update({"handoff_reason": c.handoff_reason, "context": c.context, "opened_at": ts(c.opened_at),
                     "ratings": [{"score": r.score, "comment": r.comment, "agent_id": r.agent_id,
                                  "rated_at": ts(r.rated_at)} for r in c.ratings]})
    return body


# -- moderation ---------------------------------------------------------------------------------

RULE_FIELDS = ("words", "allow", "slow_mode_seconds", "new_account_hours", "require_order",
               "members_may_mention_all", "hide_threshold", "hold_pictures")


def rules(r: GroupRules, *, effective_new_account_hours: int) -> RulesWire:
    return {"scope": r.scope, "words": r.words, "allow": r.allow, "slow_mode_seconds": r.slow_mode_seconds,
            "new_account_hours": r.new_account_hours, "effective_new_account_hours": effective_new_account_hours,
            "require_order": r.require_order, "members_may_mention_all": r.members_may_mention_all,
            "hide_threshold": r.hide_threshold, "hold_pictures": r.hold_pictures, "updated_at": ts(r.updated_at),
            "updated_by": r.updated_by}


def case(c: ModCase) -> CaseWire:
    return {"id": c.id, "target_kind": c.target_kind, "target_id": c.target_id, "scope": c.scope,
            "group_id": c.group_id, "conversation_id": c.conversation_id, "message_id": c.message_id,
            "author_id": c.author_id, "state": c.state, "score": round(c.score, 2), "source": c.source,
            "snapshot": c.snapshot, "rule": c.rule, "categories": c.categories, "report_count": len(c.reports),
            "reports": [{k: v for k, v in r.items() if k != "counted"} for r in c.reports], "hidden": c.hidden, "resolution": c.resolution, "created_at": ts(c.created_at),
            "updated_at": ts(c.updated_at)}


def sanction(s: Sanction, *, now, appeal: Appeal | None = None) -> SanctionWire:
    left = None
    if s.in_force(now) and s.expires_at is not None:
        left = max(0, int((s.expires_at - now).total_seconds()))
    return {"id": s.id, "user_id": s.user_id, "kind": s.kind, "scope": s.scope, "reason": s.reason, "rule": s.rule,
            "moderator_id": s.moderator_id, "created_at": ts(s.created_at), "expires_at": ts(s.expires_at),
            "permanent": s.kind in ("mute", "ban") and s.expires_at is None, "in_force": s.in_force(now),
            "seconds_left": left, "case_id": s.case_id, "message_id": s.message_id, "lifted_at": ts(s.lifted_at),
            "appeal": appeal_(appeal) if appeal else None}


def appeal_(a: Appeal) -> AppealWire:
    return {"id": a.id, "sanction_id": a.id, "user_id": a.user_id, "scope": a.scope, "text": a.text,
            "state": a.state, "created_at": ts(a.created_at), "decided_at": ts(a.decided_at),
            "decided_by": a.decided_by, "decision_reason": a.decision_reason}


def audit(e: AuditEntry) -> AuditWire:
    return {"id": e.id, "at": ts(e.at), "actor_id": e.actor_id, "action": e.action, "scope": e.scope,
            "target_kind": e.target_kind, "target_id": e.target_id, "reason": e.reason, "rule": e.rule,
            "details": e.details}
