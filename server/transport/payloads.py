"""Request payloads as typed models, one per REST body and per Socket.IO event, shared where the two
take the same shape. They check types, lengths and ranges; the actions check what needs state.

Strict: "5" is no number and true no 1. A key sent as null counts as absent (as it always has), and
keys a model doesn't name are ignored. A failed check answers with the error the hand-written
checker gave (validate.Payload, which message kinds still use): the first failure wins, and
`details.field` names the top-level key.

Some keys are only declared here, with their JSON schema, and left to the action to check
(`Unchecked`): the action checks them after it has checked who asks (a non-admin sending bad
policies is told 403, not 400), or with codes of its own (invalid_username, item_not_in_order)."""
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ..actions.messages import Draft
from ..actions.messages.kinds import MESSAGE_TYPES, kind_of
from ..actions.support import MAX_RATING_COMMENT
from ..domain.groups import GROUP_ROLES
from ..domain.messages import THREAD_TAGS
from ..domain.shop import AFTERSALE_KINDS, AFTERSALE_STATUSES
from ..domain.support import TICKET_KINDS, TICKET_STATUSES
from ..domain.users import PLATFORM_ROLES
from ..errors import InvalidPayload
from ..validate import ID_RE, MAX_INT, MAX_NAME, MAX_TEXT, MAX_TITLE, TEXT_PROBLEMS, Payload, text_problem

MAX_CLIENT_MSG_ID = 64
MAX_PAYLOAD = 300
MAX_NOTE = 2000
MAX_SYNC_CONVERSATIONS = 200
MAX_PRESENCE_IDS = 200
MAX_READ_IDS = 500


# -- field types ---------------------------------------------------------------------------------------

def _one_line(value):
    """The text rule (validate.text_problem) for a one-line field: a name, a title, a code."""
    if isinstance(value, str) and (problem := text_problem(value, lines=False)):
        raise PydanticCustomError(problem, "bad text")
    return value


def _lines(value):
    """The text rule for a text that may hold line breaks: a message, a bio, a note."""
    if isinstance(value, str) and (problem := text_problem(value, lines=True)):
        raise PydanticCustomError(problem, "bad text")
    return value


def Text(max_len: int = MAX_NAME, min_len: int = 0, *, strip: bool = True, lines: bool = False):  # noqa: N802
    """Every text field of every body and event: the one text rule, then trimmed and measured.
    One line unless `lines`."""
    # the validator stands last so that it runs first, before the constraints (which then keep their
    # own error types, and their maxLength in the schema)
    return Annotated[str, StringConstraints(strip_whitespace=strip, max_length=max_len, min_length=min_len),
                     BeforeValidator(_lines if lines else _one_line)]


def _id(value):
    if not isinstance(value, str) or not ID_RE.match(value):
        raise PydanticCustomError("invalid_id", "not a valid id")
    return value


Id = Annotated[str, BeforeValidator(_id), WithJsonSchema({"type": "string", "pattern": ID_RE.pattern})]


def Int(lo: int | None = None, hi: int | None = None):  # noqa: N802
    """A whole number, never beyond what a JavaScript client reads exactly (a seq, an offset)."""
    return Annotated[int, Field(ge=lo, le=MAX_INT if hi is None else min(hi, MAX_INT))]


def IdList(max_items: int):  # noqa: N802
    """A list of ids; its length is checked before its items, as the old checker did."""
    def at_most(value):
        if not isinstance(value, list) or len(value) > max_items:
            raise PydanticCustomError("id_list", "not a list of at most {max_items} ids", {"max_items": max_items})
        return value
    return Annotated[list[Id], BeforeValidator(at_most), Field(max_length=max_items)]


def Unchecked(schema: dict):  # noqa: N802
    """Declared for the document, checked by the action. Give it a default of None (the action
    says what is missing, in its own words) and name the required ones with `documented_required`.
    That default is no value of the schema, so the document leaves it out."""
    return Annotated[Any, WithJsonSchema(schema), Field(json_schema_extra=_no_default)]


def UncheckedText(schema: dict, *, lines: bool = False, encodable_only: bool = False):  # noqa: N802
    """Unchecked, but a string in it meets the text rule here, like every other text (the action still
    checks its type and shape in its own words). `encodable_only`: only what can't be stored at all
    (a lone surrogate): a password is never shown, and any other character may already be in one."""
    check = _encodable if encodable_only else _lines if lines else _one_line_as_sent
    return Annotated[Unchecked(schema), BeforeValidator(check)]


def _one_line_as_sent(value):
    """A one-line field nothing trims (a username): a break at its edge counts too."""
    if isinstance(value, str) and (problem := text_problem(value, lines=False, trimmed=False)):
        raise PydanticCustomError(problem, "bad text")
    return value


def _encodable(value):
    if isinstance(value, str) and text_problem(value) == "unicode":
        raise PydanticCustomError("unicode", "bad text")
    return value


def _no_default(schema: dict) -> None:
    schema.pop("default", None)


def documented_required(*names: str) -> ConfigDict:
    return ConfigDict(strict=True, extra="ignore", frozen=True, json_schema_extra={"required": list(names)})


def _choice(values) -> Any:
    return Literal[tuple(values)]  # type: ignore[valid-type]


# -- the base ------------------------------------------------------------------------------------------

class Body(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)
    _raw: dict = PrivateAttr(default_factory=dict)  # the object as sent, for what reads it whole

    @model_validator(mode="before")
    @classmethod
    def _null_is_absent(cls, data):
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v is not None}
        return data

    @property
    def raw(self) -> dict:
        return self._raw


# pydantic's error type -> (the project's code, the message the old checker gave)
_ERRORS = {
    "missing": ("invalid_payload", "{key} is required"),
    "string_type": ("invalid_payload", "{key} must be a string"),
    **{problem: ("invalid_payload", "{key} " + said) for problem, said in TEXT_PROBLEMS.items()},
    "string_too_long": ("too_long", "{key} is longer than {max_length} characters"),
    "string_too_short": ("invalid_payload", "{key} must have at least {min_length} characters"),
    "invalid_id": ("invalid_id", "{key} is not a valid id"),
    "int_type": ("invalid_payload", "{key} must be a whole number"),
    "greater_than_equal": ("invalid_payload", "{key} must be at least {ge}"),
    "less_than_equal": ("invalid_payload", "{key} must be at most {le}"),
    "bool_type": ("invalid_payload", "{key} must be true or false"),
    "literal_error": ("invalid_payload", "{key} must be one of {expected}"),
    "dict_type": ("invalid_payload", "{key} must be an object"),
    "model_type": ("invalid_payload", "{key} must be an object"),
    "id_list": ("invalid_payload", "{key} must be a list of at most {max_items} ids"),
    "quick_reply": ("invalid_payload", "{key} must be a quick-reply payload starting with /"),
}


CREDENTIAL_CODES = {"username": "invalid_username", "password": "invalid_password", "new_password": "invalid_password"}


def domain_error(exc: ValidationError) -> InvalidPayload:
    """The first of pydantic's errors, as the hand-written checker said it."""
    first = exc.errors(include_url=False)[0]
    key = str(first["loc"][0]) if first["loc"] else None
    code, template = _ERRORS.get(first["type"], ("invalid_payload", "{key}: {msg}"))
    if code == "invalid_payload":  # the sign-up form names the credential that is wrong
        code = CREDENTIAL_CODES.get(key, code)
    message = template.format(key=key, msg=first["msg"], **first.get("ctx", {}))
    return InvalidPayload(message, code=code, **({"field": key} if key else {}))


M = TypeVar("M", bound=BaseModel)


def parse(model: type[M] | None, data) -> M | None:
    """A request payload (None: nothing sent) checked against its model; None without a model.
    Every payload must be a JSON object, with or without one."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InvalidPayload("payload must be a JSON object")
    if model is None:
        return None
    try:
        found = model.model_validate(data)
    except ValidationError as exc:
        raise domain_error(exc) from None
    except RecursionError:  # pydantic's own depth guard answers before this, but never a 500
        raise InvalidPayload("payload is nested too deeply") from None
    found._raw = data
    return found


# -- messages ------------------------------------------------------------------------------------------

class ConversationRef(Body):
    conversation_id: Id


class MessageRef(Body):
    message_id: Id


class DraftFields(Body):
    """A message to send, over REST and Socket.IO alike. Its kind's own part (a product's sku) is
    parsed by the kind, from the raw object through validate.Payload: the kinds registry is where a
    new kind is added, with its parse, and it keeps its own codes (field `sku` for a product's). The
    `product` key is declared here only for the document."""
    type: _choice(MESSAGE_TYPES) = "text"
    text: Text(MAX_TEXT, lines=True) | None = Field(None, validate_default=True,
                                        description="required for kinds that must say something (text)")
    client_msg_id: Text(MAX_CLIENT_MSG_ID, 1) | None = None
    payload: Text(MAX_PAYLOAD, 2) | None = Field(None, description="a pressed quick-reply button's payload")
    product: Unchecked({"type": "object", "required": ["sku"],
                        "properties": {"sku": {"type": "string", "minLength": 1, "maxLength": 64}},
                        "description": "type product: the shop's product to share"}) = None
    order: Unchecked({"type": "object", "required": ["id"],
                      "properties": {"id": {"type": "string", "minLength": 1, "maxLength": 40}},
                      "description": "type order: one of your orders, shown in your support conversation"}) = None
    image: Unchecked({"type": "object", "required": ["upload_id"],
                      "properties": {"upload_id": {"type": "string", "minLength": 1, "maxLength": 64}},
                      "description": "type image: one of your uploads (POST /api/uploads)"}) = None
    images: Unchecked({"type": "array", "minItems": 1, "maxItems": 9,
                       "items": {"type": "object", "required": ["upload_id"],
                                 "properties": {"upload_id": {"type": "string", "minLength": 1, "maxLength": 64}}},
                       "description": "type image: up to nine of your uploads"}) = None
    reply_to: Id | None = None

    @field_validator("text")
    @classmethod
    def _said(cls, value, info: ValidationInfo):
        if value is None and "type" in info.data and kind_of(info.data["type"]).text_required:
            raise PydanticCustomError("missing", "required")
        return value

    @field_validator("payload")
    @classmethod
    def _quick_reply(cls, value):
        if value is not None and not value.startswith("/"):
            raise PydanticCustomError("quick_reply", "not a quick-reply payload")
        return value

    def draft(self) -> Draft:
        kind = kind_of(self.type)
        return Draft(type=kind.name, text=self.text or "", given=kind.parse(Payload(self.raw)),
                     reply_to=self.reply_to, client_msg_id=self.client_msg_id,
                     extra={"payload": self.payload} if self.payload else None)


class SendMessage(DraftFields):
    pass


class SioSendMessage(DraftFields, ConversationRef):  # conversation_id first, as it was checked
    pass


class Titled(Body):
    title: Text(MAX_TITLE, 1)


class CreateThread(DraftFields, Titled):  # fields are checked from the last base on: the title first
    tag: _choice(THREAD_TAGS) | None = Field(None, description="showcase (晒单) or recommend (种草)")
    product_id: Text(64, 1) | None = Field(None, description="the SKU the thread is about; a showcase needs one")


class EditMessage(Body):
    text: Text(MAX_TEXT, lines=True)


class SioEditMessage(EditMessage, MessageRef):
    pass


class SioReaction(MessageRef):
    model_config = documented_required("message_id", "emoji")
    emoji: Unchecked({"type": "string", "minLength": 1, "maxLength": 16}) = None


class MarkRead(Body):
    seq: Int(0)


class SioMarkRead(MarkRead, ConversationRef):
    pass


class SioHistory(ConversationRef):
    before: Int(0) | None = None
    after: Int(0) | None = None
    limit: Int(1, 100) = 50


class SioTyping(ConversationRef):
    typing: bool = True


def _cursors_shape(value):
    if not isinstance(value, dict) or len(value) > MAX_SYNC_CONVERSATIONS:
        raise PydanticCustomError("cursors", "not a map of at most {n} cursors", {"n": MAX_SYNC_CONVERSATIONS})
    return value


class SioSync(Body):
    cursors: Annotated[dict[Id, Int(0)], BeforeValidator(_cursors_shape), Field(max_length=MAX_SYNC_CONVERSATIONS)]


_ERRORS["cursors"] = ("invalid_payload", "{key} must map at most {n} conversation ids to seqs")


class SioPresenceSet(Body):
    status: Literal["online", "away"]


class SioPresenceSubscribe(Body):
    user_ids: IdList(MAX_PRESENCE_IDS)


class ReadNotifications(Body):
    ids: IdList(MAX_READ_IDS) | None = Field(None, description="absent: all")


# -- accounts and groups ---------------------------------------------------------------------------------

_CREDENTIAL = {"type": "string", "description": "checked by the action: invalid_username / invalid_password"}


class Register(Body):
    model_config = documented_required("username", "password")
    username: UncheckedText({**_CREDENTIAL, "minLength": 2, "maxLength": 32}) = None
    password: UncheckedText({**_CREDENTIAL, "minLength": 8, "maxLength": 128}, encodable_only=True) = None
    display_name: Text(MAX_NAME) | None = None


class Login(Body):
    model_config = documented_required("username", "password")
    username: UncheckedText({"type": "string", "maxLength": 64}) = None
    password: UncheckedText({"type": "string", "maxLength": 128}, encodable_only=True) = None


class ChangePassword(Body):
    model_config = documented_required("current_password", "new_password")
    current_password: UncheckedText({"type": "string", "maxLength": 128}, encodable_only=True) = None
    new_password: UncheckedText({**_CREDENTIAL, "minLength": 8, "maxLength": 128}, encodable_only=True) = None


class UpdateProfile(Body):
    display_name: Text(MAX_NAME) | None = None
    bio: Text(280, lines=True) | None = None
    avatar_color: Text(MAX_NAME) | None = None
    avatar_upload_id: Text(64) | None = Field(None, description="one of your uploads as your avatar; \"\" removes it")


class SetPlatformRole(Body):
    role: Text(MAX_NAME) = Field(json_schema_extra={"enum": list(PLATFORM_ROLES)})


class SetMemberRole(Body):
    role: Text(MAX_NAME) = Field(json_schema_extra={"enum": list(GROUP_ROLES)})


class CreateGroup(Body):
    name: Text(MAX_NAME)
    description: Text(500, lines=True) = ""
    visibility: _choice(("public", "private", "invite_only")) = "public"


class UpdateGroup(Body):
    name: Text(MAX_NAME) | None = None
    description: Text(500, lines=True) | None = None
    visibility: _choice(("public", "private", "invite_only")) | None = None
    announcement: Text(MAX_TEXT, lines=True) | None = None


class CreateInvite(Body):
    expires_in_hours: Int(1, 24 * 365) | None = None
    max_uses: Int(1, 100000) | None = None


class Pin(MessageRef):
    pass


class UpdateThread(Body):
    pinned: bool | None = None
    closed: bool | None = None


class StartPrivate(Body):
    user_id: Id


# -- moderation ------------------------------------------------------------------------------------------

class GroupScope(Body):
    group_id: Id | None = Field(None, description="absent: the platform")


class Report(Body):
    category: Text(32)
    note: Text(MAX_NOTE, lines=True) = ""


class ReportUser(Report, GroupScope):  # group_id was checked first
    pass


class Appeal(Body):
    text: Text(4000, lines=True)


_DURATION = {"description": "mute and ban: 10m, 1h, 1d, 7d, permanent (bans) or seconds; checked by the action",
             "anyOf": [{"type": "string", "enum": ["10m", "1h", "1d", "7d", "permanent"]}, {"type": "integer"}]}


class ActionFields(Body):
    action: Text(16) = Field(json_schema_extra={"enum": ["dismiss", "delete", "warn", "mute", "kick", "ban"]})
    reason: Text(MAX_NOTE, lines=True) = ""
    duration: Unchecked(_DURATION) = None
    rule: Text(120) = ""


class ActOnCase(ActionFields):
    delete_message: bool = False


class ActOnUser(ActionFields, GroupScope):  # group_id was checked first
    pass


class Lift(Body):
    reason: Text(MAX_NOTE, lines=True) = ""


class DecideAppeal(Body):
    decision: Text(16) = Field(json_schema_extra={"enum": ["uphold", "overturn"]})
    reason: Text(MAX_NOTE, lines=True) = ""


class CheckText(GroupScope):
    text: Text(MAX_TEXT, strip=False, lines=True)


_RULES = {"words": {"type": "array", "maxItems": 1000, "items": {
              "type": "object", "required": ["term"],
              "properties": {"term": {"type": "string", "maxLength": 64},
                             "category": {"enum": ["diversion", "scam", "gambling", "porn", "drugs", "abuse",
                                                   "counterfeit", "custom", "link"]}}}},
          "allow": {"type": "array", "items": {"type": "string", "maxLength": 64}},
          "slow_mode_seconds": {"type": "integer", "minimum": 0, "maximum": 3600},
          "new_account_hours": {"type": ["integer", "null"], "minimum": 0, "maximum": 8760},
          "require_order": {"type": "boolean"},
          "members_may_mention_all": {"type": "boolean"},
          "hide_threshold": {"type": "number", "minimum": 1, "maximum": 100},
          "hold_pictures": {"type": "boolean"}}


class RulesPatch(BaseModel):
    """Only the keys given change, null included (new_account_hours: null is the platform's value),
    and an unknown key is refused: the action reads the raw object and checks it all, after it
    has checked who asks. Hence no Body, whose null is absent."""
    model_config = ConfigDict(extra="allow", frozen=True,
                              json_schema_extra={"properties": _RULES, "additionalProperties": False})
    _raw: dict = PrivateAttr(default_factory=dict)

    @property
    def raw(self) -> dict:
        return self._raw


# -- the shop and the support desk -----------------------------------------------------------------------

class SetPolicies(Body):
    model_config = documented_required("policies")
    policies: Unchecked({"type": "object", "minProperties": 1, "additionalProperties": {"type": "string"},
                         "description": "policy key -> text; checked by the action (platform admins)"}) = None


class SetAliases(Body):
    aliases: Unchecked({"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}},
                        "description": "sku -> the names shoppers use for it; replaces all aliases"}) = None
    synonyms: Unchecked({"type": "array", "items": {"type": "array", "items": {"type": "string"}},
                         "description": "groups of words that mean the same (短袖, T恤); replaces all groups"}) = None


class SetCanned(Body):
    model_config = documented_required("replies")
    replies: Unchecked({"type": "array", "maxItems": 50, "items": {
        "type": "object", "required": ["title", "text"],
        "properties": {"title": {"type": "string", "minLength": 1, "maxLength": 40},
                       "text": {"type": "string", "minLength": 1, "maxLength": 1000}}}}) = None


class Rate(Body):
    skip: bool = False
    score: Int(1, 5) | None = Field(None, validate_default=True, description="required unless skip")
    comment: Text(MAX_RATING_COMMENT, lines=True) = ""

    @model_validator(mode="before")
    @classmethod
    def _skipped(cls, data):
        if isinstance(data, dict) and data.get("skip") is True:  # a skip says nothing else
            return {"skip": True}
        return data

    @field_validator("score")
    @classmethod
    def _scored(cls, value, info: ValidationInfo):
        if value is None and info.data.get("skip") is False:
            raise PydanticCustomError("missing", "required")
        return value


class Transfer(Body):
    agent_id: Id


class UpdateAfterSale(Body):
    status: _choice(AFTERSALE_STATUSES)
    refund_amount: Text(16) | None = None
    note: Text(500, lines=True) | None = None


class UpdateTicket(Body):
    status: _choice(TICKET_STATUSES)


# the bot's action server (internal, not in the public document): its actions check the fields
class BotAfterSale(Body):
    model_config = documented_required("kind", "order_id")
    kind: Unchecked({"enum": list(AFTERSALE_KINDS)}) = None
    order_id: UncheckedText({"type": "string"}) = None
    sku: UncheckedText({"type": "string"}) = None
    reason: UncheckedText({"type": "string"}, lines=True) = None
    description: UncheckedText({"type": "string"}, lines=True) = None
    exchange_detail: UncheckedText({"type": "string"}, lines=True) = None
    photo_ids: list[Id] | None = Field(default=None, max_length=9)  # the customer's uploads posted here


class BotTicket(Body):
    model_config = documented_required("kind", "summary")
    kind: Unchecked({"enum": list(TICKET_KINDS)}) = None
    summary: UncheckedText({"type": "string"}, lines=True) = None
    order_id: UncheckedText({"type": "string"}) = None  # the asking customer's order the ticket is about


# -- pictures ----------------------------------------------------------------------------------------------

class UploadAddresses(Body):
    upload_ids: list[Id] = Field(min_length=1, max_length=100, description="uploads of the messages you see")
