// One message in the list: byline, quote, body (a card by message type from cards/, else its text), extras
// (order cards, the rating request, quick replies), reactions, and what I may do with it (reply, react, edit,
// delete, pin, report).
import { t, errorText } from "../i18n.js";
import { state, hooks, el, api, nameOf, avatar, richText, timeLabel, groupStaff, groupModerator, messagePreview } from "../core.js";
import { userCard, reportForm } from "../account.js";
import { cardBody } from "../cards/index.js";
import { list, mountMessages, upsert } from "./list.js";
import { setReply } from "./composer.js";
import { sendDraft, showSendError } from "./outbox.js";
import { setPins } from "./header.js";

const EMOJIS = ["👍", "❤️", "😂", "😮", "🎉", "🙏"];
const PICTURE_WAIT = ["checking", "refused"];  // a picture message its checks are reading, or refused after

export const inService = () => ["support", "desk"].includes(state.current?.kind);

/** A hidden message whose content this reader doesn't get (members get it with empty text and no card; moderators,
 *  and the author of a held one, get it whole with its hidden_reason). */
export const withheld = (m) => Boolean(m.hidden) && (!m.hidden_reason || (!m.text && !m.card));
// the placeholder says why, where the reason is known: a moderator removed it, or reports hid it; one held for
// review (or any other reason) keeps 该消息已被隐藏
const PLACEHOLDER = { removed: "gone.removed", reports: "gone.reports" };

export function messageItem(m) {
  const author = state.users.get(m.author_id);
  const mine = m.author_id === state.me.id;
  let body;
  if (m.deleted) body = el("em", { class: "gone" }, t("deleted"));
  else if (withheld(m)) {
    body = el("em", { class: "gone", "data-reason": m.hidden_reason || null }, t(PLACEHOLDER[m.hidden_reason] || "hidden"));
  }
  else {
    const names = m.mentions.map((id) => state.users.get(id)?.username).filter(Boolean);
    const text = m.text ? el("p", { class: "text" }, richText(m.text, { mentionNames: names, mentionAll: m.mention_all })) : null;
    body = cardBody(m, text);
  }
  const extras = [];
  if (m.card?.kind === "order") {
    const items = (m.card.items || []).map((i) => `${i.title}×${i.qty || 1}`).join("、");
    extras.push(el("div", { class: "order-card", "data-order": m.card.order_id }, el("strong", {}, m.card.order_id),
                   el("span", {}, m.card.status_label || ""), items ? el("span", { class: "meta" }, items) : null,
                   m.card.total ? el("span", { class: "price" }, `¥${m.card.total}`) : null));
  }
  if (m.card?.kind === "rating_request" && state.current?.kind === "support") extras.push(hooks.ratingCard());
  if (m.buttons?.length && state.current?.kind === "support") {
    extras.push(el("div", { class: "quick" }, m.buttons.map((b) => el("button", { type: "button", class: "quick-reply",
      onclick: () => sendDraft({ text: b.title, payload: b.payload }) }, b.title))));
  }
  const reactions = Object.entries(m.reactions || {}).filter(([, ids]) => ids.length);
  return el("li", { class: `message${mine ? " mine" : ""}${m.hidden ? " is-hidden" : ""}`, "data-seq": m.seq, "data-id": m.id,
                    "data-author": m.author_id },
    el("div", { class: "byline" },
       author?.role === "bot" || inService() || mine ? null : avatar(author, "small"),
       mine || inService() ? el("span", { class: "author" }, author?.display_name || "…")
         : el("button", { type: "button", class: "author", onclick: (e) => userCard(m.author_id, e.currentTarget) },
              author?.display_name || "…"),
       el("time", { datetime: m.created_at }, timeLabel(m.created_at)),
       m.edited && !m.deleted ? el("span", { class: "edited" }, t("edited")) : null),
    m.reply_to ? quote(m.reply_to) : null,
    body, extras,
    reactions.length ? el("div", { class: "reactions" }, reactions.map(([emoji, ids]) => el("button", {
      type: "button", class: ids.includes(state.me.id) ? "reaction on" : "reaction", "data-emoji": emoji,
      title: ids.map(nameOf).join("、"), onclick: () => react(m, emoji, !ids.includes(state.me.id)) }, `${emoji} ${ids.length}`)))
      : null,
    m.hidden_reason === "held" && !withheld(m) ? el("span", { class: "held" }, t("held")) : null,
    // hidden.reports, hidden.removed; to a picture's author hidden.checking (图片审核中) and hidden.refused (未通过审核)
    m.hidden_reason && m.hidden_reason !== "held" && !withheld(m)
      ? el("span", { class: "held", "data-reason": m.hidden_reason }, t(`hidden.${m.hidden_reason}`)) : null,
    m.deleted || withheld(m) ? null : messageActions(m, mine));
}

function quote(id) {
  const original = state.messages.find((x) => x.id === id);
  const text = !original ? t("earlier_message") : original.deleted ? t("deleted")
    : `${nameOf(original.author_id)}：${messagePreview(original)}`;
  return el("button", { type: "button", class: "quote", onclick: () => {
    const node = list()?.querySelector(`[data-id="${id}"]`);
    if (node) { node.scrollIntoView({ block: "center" }); node.classList.add("flash"); }
    else if (original) mountMessages(original.seq);
  } }, text.length > 60 ? `${text.slice(0, 60)}…` : text);
}

function messageActions(m, mine) {
  const chat = state.current;
  if (!chat || inService()) return null;
  const group = chat.kind === "group" ? chat : chat.group;
  const acts = [];
  if (PICTURE_WAIT.includes(m.hidden_reason)) {  // only its author sees it, and no one can answer it: it may only go
    return mine ? el("div", { class: "acts" }, button(t("delete"), "delete", (e) => confirmDelete(m, e.currentTarget))) : null;
  }
  acts.push(button(t("reply"), "reply", () => setReply(m)));
  acts.push(button("😊", "react", (e) => e.currentTarget.replaceWith(el("span", { class: "picker" },
    EMOJIS.map((emoji) => el("button", { type: "button", "data-emoji": emoji, onclick: () => react(m, emoji, true) }, emoji))))));
  if (mine && m.type === "text" && !m.hidden) acts.push(button(t("edit"), "edit", (e) => editInPlace(m, e.currentTarget)));
  if (mine || (group && groupModerator(group))) acts.push(button(t("delete"), "delete", (e) => confirmDelete(m, e.currentTarget)));
  if (chat.kind === "group" && groupStaff(chat)) {
    const pinned = state.pins.some((p) => p.message_id === m.id);
    acts.push(button(pinned ? t("unpin") : t("pin"), "pin", () => togglePin(m, pinned)));
  }
  if (!mine && !m.hidden) {
    acts.push(button(t("report"), "report", (e) => e.currentTarget.replaceWith(reportForm({ message: m, onDone: () => {} }))));
  }
  return el("div", { class: "acts" }, acts);
}

const button = (label, kind, onclick) => el("button", { type: "button", class: kind, title: label, onclick }, label);

async function react(m, emoji, add) {
  const ack = await state.socket.emitWithAck(add ? "reaction:add" : "reaction:remove", { message_id: m.id, emoji });
  if (ack.ok) upsert(ack.message); else showSendError(ack.error);
}

function editInPlace(m, trigger) {
  const item = trigger.closest(".message");
  const box = el("textarea", { class: "edit-box", maxlength: 4000, rows: 2 }, m.text);
  const save = async (e) => {
    e.preventDefault();
    const text = box.value.trim();
    if (!text || text === m.text) return item.replaceWith(messageItem(m));
    const ack = await state.socket.emitWithAck("message:edit", { message_id: m.id, text });
    if (ack.ok) upsert(ack.message); else error.textContent = errorText(ack.error);
  };
  const error = el("p", { class: "error", role: "alert" });
  item.querySelector(".text")?.replaceWith(el("form", { class: "edit-form", onsubmit: save }, box,
    el("button", { type: "submit" }, t("save")),
    el("button", { type: "button", onclick: () => item.replaceWith(messageItem(m)) }, t("cancel")), error));
  box.focus();
}

function confirmDelete(m, trigger) {
  trigger.replaceWith(el("button", { type: "button", class: "delete confirm", onclick: async () => {
    const ack = await state.socket.emitWithAck("message:delete", { message_id: m.id });
    if (ack.ok) upsert(ack.message); else showSendError(ack.error);
  } }, t("confirm_delete")));
}

async function togglePin(m, pinned) {
  try {
    const data = pinned ? await api("DELETE", `/api/groups/${state.current.id}/pins/${m.id}`)
      : await api("POST", `/api/groups/${state.current.id}/pins`, { message_id: m.id });
    setPins(state.current.id, data.pins);
  } catch (err) { showSendError(err); }
}
