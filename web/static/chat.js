// A conversation on screen: group chats, topic threads, private and support conversations share it.
// This file only puts the pane together and is the one entry the other screens import (app.js, service.js,
// moderation.js keep importing "./chat.js"); the pieces live in chat/, and message bodies by type in cards/:
//   chat/list.js      opening a conversation, the windowed message list, live messages, read marks
//   chat/message.js   one message: byline, body (cards/index.js picks a card by message.type), reactions, actions
//   chat/composer.js  writing: the composer, replies, @mention suggestions, sharing a product, who is typing
//   chat/outbox.js    sending, the offline outbox, drafts kept per conversation, send errors
//   chat/members.js   presence, the group's members and roles, changes to the group
//   chat/header.js    the conversation's title, tools, announcement and pins
// The chat/ modules import one another's functions; nothing runs at import time but constants, so the cycles
// among them are safe.
import { t } from "./i18n.js";
import { el } from "./core.js";
import { loadingHistory, jumpToLatest } from "./chat/list.js";
import { chatHeader } from "./chat/header.js";
import { composer } from "./chat/composer.js";

export { WINDOW, openChat, mountMessages, loadingHistory, jumpToLatest, upsert, markRead } from "./chat/list.js";
export { messageItem, withheld } from "./chat/message.js";
export { composer, typingEvent } from "./chat/composer.js";
export { sendDraft, flushOutbox, loadKept, keepDraft } from "./chat/outbox.js";
export { subscribePresence, refreshPresence, toggleMembers, memberUpdated, groupUpdated } from "./chat/members.js";
export { chatHeader, refreshChatHeader, setPins } from "./chat/header.js";
export { presenceDot } from "./core.js";

export function chatPane(chat) {
  return [
    chatHeader(chat),
    el("div", { class: "messages", id: "scroller", "data-conversation": chat.conversation_id,
                "aria-busy": loadingHistory() ? "true" : "false", "data-loading": t("loading") }, el("ol", { id: "messages", class: "message-list" }), el("ol", { id: "pending", class: "message-list" })),
    el("button", { type: "button", id: "jump-latest", class: "jump", hidden: true, onclick: jumpToLatest }, t("jump_latest")),
    el("p", { class: "typing", id: "typing", "aria-live": "polite" }),
    composer(),
  ];
}

