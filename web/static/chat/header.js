// The conversation's header: title, tools (app.js's hooks.chatTools), announcement, pins, and in a group the
// member list when it is open.
import { t, errorText } from "../i18n.js";
import { state, hooks, el, api, nameOf, groupStaff, presenceDot } from "../core.js";
import { openChat, mountMessages, scroller, list, atLatest } from "./list.js";
import { messageItem } from "./message.js";
import { membersPanel } from "./members.js";

export function chatHeader(chat) {
  return el("div", { id: "chat-header" }, headerParts(chat));
}

export function refreshChatHeader() {
  const header = document.getElementById("chat-header");
  if (!header || !state.current) return;
  const box = scroller();
  const follow = box && atLatest(box);
  header.replaceChildren(...headerParts(state.current));
  if (follow) box.scrollTop = box.scrollHeight;  // a taller header must not hide the newest message
}

function headerParts(chat) {
  const parts = [el("h2", { class: "chat-title" },
    el("button", { type: "button", class: chat.kind === "thread" ? "back always" : "back", onclick: hooks.back, "aria-label": t("back") }, "‹"),
    chat.kind === "private" && chat.other_id ? presenceDot(chat.other_id) : null,
    el("span", { class: "title" }, chat.title_key ? t(chat.title_key) : chat.name),  // 联系客服 follows the language
    chat.kind === "group" ? el("span", { class: "count" }, `${chat.member_count ?? ""} ${t("members")}`) : null,
    hooks.chatTools(chat))];
  if (chat.kind === "group") {
    if (chat.announcement || groupStaff(chat)) parts.push(announcement(chat));
    if (state.pins.length) {
      parts.push(el("details", { class: "pins", id: "pins" },
        el("summary", {}, `📌 ${t("pinned", { n: state.pins.length })}`),
        el("ul", {}, state.pins.map((p) => el("li", {}, el("button", { type: "button", onclick: () => openAt(p.message) },
          `${nameOf(p.message?.author_id)}：${p.message?.text || p.message?.product?.title || ""}`))))));
    }
  }
  if (state.members && chat.kind === "group") parts.push(membersPanel());
  return parts;
}

function openAt(message) {
  if (!message) return;
  const loaded = state.messages.find((m) => m.id === message.id);
  if (loaded) mountMessages(loaded.seq); else openChat(state.current, { seq: message.seq });
}

function announcement(chat) {
  const text = el("span", { class: "text" }, chat.announcement || t("no_announcement"));
  const box = el("div", { class: "announcement", id: "announcement" }, el("strong", {}, t("announcement")), text);
  if (groupStaff(chat)) {
    box.append(el("button", { type: "button", class: "edit", onclick: () => {
      const input = el("textarea", { maxlength: 500, rows: 2, name: "announcement" }, chat.announcement || "");
      const error = el("span", { class: "error" });
      box.replaceChildren(el("form", { class: "announcement-form", onsubmit: async (e) => {
        e.preventDefault();
        try {
          const data = await api("PATCH", `/api/groups/${chat.id}`, { announcement: input.value.trim() });
          Object.assign(chat, data.group, { my_role: chat.my_role });
          refreshChatHeader();
        } catch (err) { error.textContent = errorText(err); }
      } }, input, el("button", { type: "submit" }, t("save")), error));
      input.focus();
    } }, t("edit")));
  }
  return box;
}

export function setPins(groupId, pins) {
  if (state.current?.kind !== "group" || state.current.id !== groupId) return;
  state.pins = pins;
  refreshChatHeader();
  for (const p of pins) {
    const node = list()?.querySelector(`[data-id="${p.message_id}"]`);
    const m = state.messages.find((x) => x.id === p.message_id);
    if (node && m) node.replaceWith(messageItem(m));
  }
}
