"""What each REST route answers with (200), for the OpenAPI document: the envelopes around the wire
shapes of server/wire.py, and the views some actions add to them. Declarations only: the handlers
and wire.py build the bodies."""
from typing import Any, Literal

from typing_extensions import NotRequired, TypedDict

from ..wire import (
    AfterSaleWire,
    AppealWire,
    AuditWire,
    CaseWire,
    ConversationWire,
    GroupWire,
    InviteWire,
    MemberWire,
    MessageWire,
    NotificationWire,
    OrderWire,
    PinWire,
    ProductWire,
    RulesWire,
    SanctionWire,
    SupportCaseWire,
    ThreadWire,
    TicketWire,
    Time,
    UserWire,
)

Presence = Literal["online", "away", "offline"]


class Ok(TypedDict):
    ok: Literal[True]


class Health(TypedDict):
    status: str
    storage: str
    bot: str
    redis: str
    process: NotRequired[str]


# -- accounts --------------------------------------------------------------------------------------------

class TokenOut(TypedDict):
    token: str
    user: UserWire


class UserOut(TypedDict):
    user: UserWire


class ProfileOut(TypedDict):
    user: UserWire
    presence: Presence


class UsersOut(TypedDict):
    users: list[UserWire]


class BlocksOut(TypedDict):
    user_ids: list[str]


class PresenceOut(TypedDict):
    presence: dict[str, Presence]


# -- groups and threads ----------------------------------------------------------------------------------

class GroupsOut(TypedDict):
    groups: list[GroupWire]


class MyGroup(GroupWire):
    last_seq: int
    last_activity_at: Time
    unread: int


class MyGroupsOut(TypedDict):
    groups: list[MyGroup]


class GroupOut(TypedDict):
    group: GroupWire


class PinnedMessage(PinWire):
    message: MessageWire


class PinsOut(TypedDict):
    pins: list[PinnedMessage]


class GroupDetailOut(TypedDict):
    group: GroupWire
    pins: NotRequired[list[PinnedMessage]]  # members only


class MemberOut(TypedDict):
    member: MemberWire


class MemberPresence(MemberWire):
    presence: Presence


class MembersOut(TypedDict):
    members: list[MemberPresence]


class InviteOut(TypedDict):
    invite: InviteWire


class LikedThread(ThreadWire):
    liked: bool


class ThreadsOut(TypedDict):
    threads: list[LikedThread]


class ThreadCreatedOut(TypedDict):
    thread: ThreadWire
    message: MessageWire


class ThreadView(LikedThread):
    following: bool


class ThreadDetailOut(TypedDict):
    thread: ThreadView


class ThreadOut(TypedDict):
    thread: ThreadWire


class ShowcasePicture(TypedDict):
    upload_id: str
    width: int | None
    height: int | None
    url: str        # signed for the viewer, like POST /api/uploads/addresses
    thumb_url: str


class ShowcaseItem(TypedDict):
    thread: ThreadWire
    pictures: list[ShowcasePicture]  # up to 3, from the author's first picture message
    picture_count: int               # how many that message has


class ShowcaseOut(TypedDict):
    showcase: list[ShowcaseItem]
    next_offset: int | None


class LikeCountOut(TypedDict):
    like_count: int


# -- conversations and messages --------------------------------------------------------------------------

class PrivateListItem(ConversationWire):
    unread: int
    other: UserWire | None
    last_message: MessageWire | None


class ConversationsOut(TypedDict):
    conversations: list[PrivateListItem]


class ConversationOut(TypedDict):
    conversation: ConversationWire


class MessagesOut(TypedDict):
    messages: list[MessageWire]


class SentOut(TypedDict):
    message: MessageWire
    duplicate: bool


class ReadOut(TypedDict):
    conversation_id: str
    seq: int
    unread: int


class MessageOut(TypedDict):
    message: MessageWire


class MessageHit(TypedDict):
    message: MessageWire
    score: float
    snippet: str


class ThreadHit(TypedDict):
    thread: ThreadWire
    snippet: str


class SearchOut(TypedDict):
    query: str
    tokens: list[str]
    messages: list[MessageHit]
    threads: list[ThreadHit]


class NotificationView(NotificationWire):
    message: MessageWire | None


class NotificationsOut(TypedDict):
    notifications: list[NotificationView]
    unread: int


class MarkedOut(TypedDict):
    marked: int


# -- moderation ------------------------------------------------------------------------------------------

class ReportMade(TypedDict):
    case_id: str
    hidden: NotRequired[bool]


class ReportOut(TypedDict):
    report: ReportMade


class SanctionGroup(TypedDict):
    id: str
    name: str


class MySanction(SanctionWire):
    group: NotRequired[SanctionGroup]  # a group's sanction names the group (none once it is gone, or the platform's)


class SanctionsOut(TypedDict):
    sanctions: list[MySanction]


class SanctionOut(TypedDict):
    sanction: SanctionWire


class AppealOut(TypedDict):
    appeal: AppealWire


class QueuedCase(CaseWire):
    author: UserWire | None


class CasesOut(TypedDict):
    cases: list[QueuedCase]


class EarlierCase(TypedDict):
    id: str
    state: str
    score: float
    categories: list[str]
    resolution: dict[str, Any]
    created_at: Time


class CaseAuthor(TypedDict):
    user: UserWire | None
    sanctions: list[SanctionWire]
    cases: list[EarlierCase]


class PictureReadingWire(TypedDict):
    upload_id: str
    codes: list[str]   # what the picture's QR codes lead to
    text: str          # the words read from it (OCR)
    error: str | None  # it could not be read (then it was held for a moderator)
    read: bool         # False: not read yet


class CaseDetail(CaseWire):
    message: NotRequired[MessageWire | None]
    context: NotRequired[list[MessageWire]]
    pictures: NotRequired[list[PictureReadingWire]]  # a picture message: why each picture was caught
    author: CaseAuthor


class CaseDetailOut(TypedDict):
    case: CaseDetail


class CaseOut(TypedDict):
    case: CaseWire


class QueuedAppeal(AppealWire):
    sanction: SanctionWire | None


class AppealsOut(TypedDict):
    appeals: list[QueuedAppeal]


class AuditOut(TypedDict):
    entries: list[AuditWire]


class RulesOut(TypedDict):
    rules: RulesWire


class Verdict(TypedDict):
    action: str
    held: bool
    categories: list[str]
    matches: list[Any]
    rule: str | None
    text: str


class VerdictOut(TypedDict):
    verdict: Verdict


# -- the shop and the support desk -----------------------------------------------------------------------

class ProductsOut(TypedDict):
    products: list[ProductWire]


class ProductOut(TypedDict):
    product: ProductWire


class OrdersOut(TypedDict):
    orders: list[OrderWire]


class OrderOut(TypedDict):
    order: OrderWire


class AfterSalesOut(TypedDict):
    aftersales: list[AfterSaleWire]


class AfterSaleOut(TypedDict):
    aftersale: AfterSaleWire
    duplicate: NotRequired[bool]  # the bot API: an open request for the same thing was returned, nothing filed


class TicketsOut(TypedDict):
    tickets: list[TicketWire]


class TicketOut(TypedDict):
    ticket: TicketWire


class BotTicketOut(TypedDict):
    ticket: TicketWire
    duplicate: bool  # a follow-up about an order that already had an open one: that one, nothing new


class AliasesOut(TypedDict):
    aliases: dict[str, list[str]]
    synonyms: list[list[str]]


class PoliciesOut(TypedDict):
    policies: dict[str, str]


class BusinessHours(TypedDict):
    open: bool
    hours: str


class SupportView(SupportCaseWire):
    agent: NotRequired[UserWire | None]
    business_hours: BusinessHours


class DeskView(SupportView):
    customer: UserWire | None
    last_message: MessageWire | None


class DeskDetail(DeskView):
    orders: list[OrderWire]
    transcript: list[MessageWire]


class SupportOut(TypedDict):
    support: SupportView


class CaseForEitherOut(TypedDict):
    support: SupportView | DeskDetail  # the customer's view, or the desk's with orders and transcript


class OpenSupportOut(TypedDict):
    conversation: ConversationWire
    support: SupportView


class QueueOut(TypedDict):
    queue: list[DeskView]


class DeskCasesOut(TypedDict):
    cases: list[DeskView]


class AgentLoad(TypedDict):
    user: UserWire
    presence: Presence
    serving: int


class AgentsOut(TypedDict):
    agents: list[AgentLoad]


class Canned(TypedDict):
    title: str
    text: str


class CannedOut(TypedDict):
    replies: list[Canned]


# -- pictures ----------------------------------------------------------------------------------------------

class UploadWire(TypedDict):
    id: str
    url: str        # signed for the one who asked, valid one to two hours
    thumb_url: str  # a JPEG of at most 480 px on the longest side
    mime: str
    width: int
    height: int
    bytes: int


class UploadOut(TypedDict):
    upload: UploadWire


class UploadAddressesOut(TypedDict):
    uploads: dict[str, UploadWire]  # by upload id; ids you may not see are left out
