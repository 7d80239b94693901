// A conversation on screen: group chats, topic threads, private and support conversations share it.
// The message list is windowed: however long the history, at most WINDOW messages are in the page;
// scrolling up brings earlier ones in (from memory, then from the server) and drops those far below.
import { t, errorText } from "./i18n.js";
import { state, hooks, el, api, loadUsers, nameOf, avatar, richText, timeLabel, groupStaff, groupModerator, presenceDot, toast, latestInto } from "./core.js";
import { userCard, reportForm } from "./account.js";

// messages in the page at most; localStorage "shopchat.window" = "all" turns windowing off, which is how
// `make bench` measures what the window saves (bench/web_client.py)
export const WINDOW = localStorage.getItem("shopchat.window") === "all" ? Infinity : 120;
const STEP = 40;             // how many come in or go out at a time
const PAGE = 50;             // history page size
const EDGE = 400;            // px from either end that brings more in
const win = { start: 0, end: 0, busy: false };
let arriving = null;  // while a conversation's history loads: the live messages that come meanwhile
const EMOJIS = ["👍", "❤️", "😂", "😮", "🎉", "🙏"];

// -- opening ---------------------------------------------------------------------------------------------

/** Opens a conversation at its newest messages, or around `seq` (a search hit, a notification). */
export async function openChat(chat, { seq } = {}) {
  state.current = chat;
  state.threadsOf = null;
  state.replyTo = null;
  state.members = null;
  state.pins = [];
  state.view = "chat";
  state.messages = [];
  state.hasOlder = state.hasNewer = false;
  const path = `/api/conversations/${chat.conversation_id}/messages`;
  const mine = arriving = [];  // what comes live while the history loads is kept, not lost between the two
  // the new conversation's frame at once, loading: nothing typed or sent meanwhile can land in the one left
  hooks.render();
  let page;
  let failed = null;
  try {
    page = (await api("GET", seq ? `${path}?before=${seq + PAGE / 2}&limit=${PAGE}` : `${path}?limit=${PAGE}`)).messages;
  } catch (err) {
    failed = err;
  }
  // failed, or left for another screen meanwhile: stop buffering (a newer openChat has its own buffer)
  if (arriving === mine && (failed || state.current !== chat)) arriving = null;
  if (state.current !== chat) return;  // something else was opened meanwhile
  if (failed) {  // said where the messages would be; the composer stays (what is sent goes out, or waits offline)
    scroller()?.setAttribute("aria-busy", "false");
    list()?.replaceChildren(el("li", { class: "empty", role: "alert" }, errorText(failed)));
    return;
  }
  state.hasOlder = page.length > 0 && page[0].seq > 1;
  state.hasNewer = Boolean(seq) && page.length === PAGE;
  // by id, the last version that came (a message can come twice: the send's ack and the broadcast), and
  // where the page holds an older version of one, the live one replaces it
  const byId = new Map(page.map((m) => [m.id, m]));
  const newest = page.at(-1)?.seq ?? 0;
  for (const m of mine) if (byId.has(m.id) || (!state.hasNewer && m.seq > newest)) byId.set(m.id, m);
  arriving = null;
  state.messages = [...byId.values()].sort((a, b) => a.seq - b.seq);
  await loadUsers(state.messages.flatMap((m) => [m.author_id, ...m.mentions]));
  if (state.current !== chat) return;
  if (chat.kind === "group") {
    api("GET", `/api/groups/${chat.id}`).then((data) => {
      if (state.current !== chat) return;
      Object.assign(chat, data.group, { my_role: chat.my_role });
      state.pins = data.pins || [];
      refreshChatHeader();
    }).catch(() => {});
  }
  if (chat.kind === "private" && chat.other_id) subscribePresence([chat.other_id]);
  scroller()?.setAttribute("aria-busy", "false");
  mountMessages(seq);  // into the frame already there: the composer, and what is being typed in it, stays
  markRead();
}

export function subscribePresence(ids) {
  state.socket?.emitWithAck("presence:subscribe", { user_ids: ids }).then((ack) => {
    for (const [id, status] of Object.entries(ack.presence || {})) state.presence.set(id, status);
    refreshPresence();
  });
}

export function refreshPresence() {
  for (const dot of document.querySelectorAll("[data-presence]")) {
    const status = state.presence.get(dot.dataset.presence) || "offline";
    dot.className = `dot ${status}`;
    dot.title = t(`presence.${status}`);
  }
}

// -- the windowed list -----------------------------------------------------------------------------------

const scroller = () => document.getElementById("scroller");
const list = () => document.getElementById("messages");

/** Builds the window from scratch: at the newest messages, or centred on `seq`. */
export function mountMessages(seq) {
  const box = scroller();
  if (!box) return;
  const n = state.messages.length;
  const at = seq ? state.messages.findIndex((m) => m.seq >= seq) : -1;
  if (at >= 0) { win.start = Math.max(0, at - STEP); win.end = Math.min(n, at + STEP); }
  else { win.end = n; win.start = Math.max(0, n - STEP * 2); }
  list().replaceChildren(...state.messages.slice(win.start, win.end).map(messageItem));
  renderPending();
  if (at >= 0) {
    const node = list().querySelector(`[data-seq="${state.messages[at].seq}"]`);
    node?.scrollIntoView({ block: "center" });
    node?.classList.add("flash");
  } else box.scrollTop = box.scrollHeight;
  box.onscroll = () => { if (!win.busy) requestAnimationFrame(onScroll); };
  updateJump();
}

async function onScroll() {
  const box = scroller();
  if (!box || win.busy || loadingHistory()) return;
  win.busy = true;
  try {
    if (box.scrollTop < EDGE) await growUp(box);
    else if (box.scrollHeight - box.scrollTop - box.clientHeight < EDGE) await growDown(box);
  } finally { win.busy = false; }
  updateJump();
  if (atLatest(box)) markRead();
}

async function growUp(box) {
  let older = [];
  if (win.start === 0 && state.hasOlder) {
    const chat = state.current;
    older = (await api("GET", `/api/conversations/${chat.conversation_id}/messages?before=${state.messages[0].seq}&limit=${PAGE}`)).messages;
    if (chat !== state.current) return;
    await loadUsers(older.flatMap((m) => [m.author_id, ...m.mentions]));
    state.hasOlder = older.length === PAGE && older[0].seq > 1;
    state.messages.unshift(...older);
    win.start += older.length;
    win.end += older.length;
  }
  if (win.start === 0) return;
  const from = Math.max(0, win.start - STEP);
  const height = box.scrollHeight;
  list().prepend(...state.messages.slice(from, win.start).map(messageItem));
  win.start = from;
  box.scrollTop += box.scrollHeight - height;  // keep what the reader looks at in place
  while (win.end - win.start > WINDOW) { list().lastElementChild.remove(); win.end--; }
}

async function growDown(box) {
  if (win.end === state.messages.length && state.hasNewer) {
    const chat = state.current;
    const newer = (await api("GET", `/api/conversations/${chat.conversation_id}/messages?after=${state.messages.at(-1).seq}&limit=${PAGE}`)).messages;
    if (chat !== state.current) return;
    await loadUsers(newer.flatMap((m) => [m.author_id, ...m.mentions]));
    state.hasNewer = newer.length === PAGE;
    state.messages.push(...newer.filter((m) => m.seq > state.messages.at(-1).seq));
  }
  if (win.end === state.messages.length) return;
  const to = Math.min(state.messages.length, win.end + STEP);
  list().append(...state.messages.slice(win.end, to).map(messageItem));
  win.end = to;
  trimTop(box);
}

function trimTop(box) {
  if (win.end - win.start <= WINDOW) return;
  const height = box.scrollHeight;
  while (win.end - win.start > WINDOW) { list().firstElementChild.remove(); win.start++; }
  box.scrollTop -= height - box.scrollHeight;
}

const atLatest = (box) => !state.hasNewer && win.end === state.messages.length &&
  box.scrollHeight - box.scrollTop - box.clientHeight < 60;

function updateJump() {
  const box = scroller();
  const jump = document.getElementById("jump-latest");
  if (box && jump) jump.hidden = atLatest(box) || box.scrollHeight <= box.clientHeight;
}

/** True while the open conversation's first page of history is on its way. */
export const loadingHistory = () => arriving !== null;

export async function jumpToLatest() {
  if (state.hasNewer) return openChat(state.current);
  mountMessages();
  markRead();
}

/** A message from the server: a new one, or a newer version of one we have. */
export async function upsert(m) {
  if (arriving) { arriving.push(m); return; }
  const at = state.messages.findIndex((x) => x.id === m.id);
  if (at >= 0) {
    state.messages[at] = m;
    list()?.querySelector(`[data-id="${m.id}"]`)?.replaceWith(messageItem(m));
    return;
  }
  dropPending(m.client_msg_id);
  if (state.hasNewer) return updateJump();  // the newest messages aren't loaded: the jump button brings them
  await loadUsers([m.author_id, ...m.mentions]);
  if (state.messages.some((x) => x.id === m.id)) return;
  const box = scroller();
  const follow = !box || atLatest(box) || m.author_id === state.me.id;
  const windowAtEnd = win.end === state.messages.length;
  let i = state.messages.length;
  while (i > 0 && state.messages[i - 1].seq > m.seq) i--;
  state.messages.splice(i, 0, m);
  stopTyping(m.conversation_id, m.author_id);
  if (!box) return;
  if (i < win.start) { win.start++; win.end++; }  // earlier than the window: only the indexes move
  else if (i < win.end || (i === win.end && windowAtEnd)) {
    list().insertBefore(messageItem(m), list().children[i - win.start] || null);
    win.end++;
  }
  if (follow) {
    if (win.end < state.messages.length) mountMessages();
    box.scrollTop = box.scrollHeight;
    trimTop(box);
    box.scrollTop = box.scrollHeight;
    markRead();
  }
  updateJump();
}

export function markRead() {
  const chat = state.current;
  const box = scroller();
  if (!chat || !state.messages.length || (box && !atLatest(box) && box.scrollHeight > box.clientHeight)) return;
  const seq = state.messages.at(-1).seq;
  if (chat.read_seq >= seq) return;
  chat.read_seq = seq;
  chat.unread = 0;
  state.socket?.emit("read", { conversation_id: chat.conversation_id, seq });
  hooks.renderGroups();
}

// -- one message -----------------------------------------------------------------------------------------

const inService = () => ["support", "desk"].includes(state.current?.kind);

export function messageItem(m) {
  const author = state.users.get(m.author_id);
  const mine = m.author_id === state.me.id;
  let body;
  if (m.deleted) body = el("em", { class: "gone" }, t("deleted"));
  else if (m.hidden && !m.hidden_reason) body = el("em", { class: "gone" }, t("hidden"));
  else {
    const names = m.mentions.map((id) => state.users.get(id)?.username).filter(Boolean);
    const text = m.text ? el("p", { class: "text" }, richText(m.text, { mentionNames: names, mentionAll: m.mention_all })) : null;
    body = m.product ? el("div", { class: "product" }, el("strong", {}, m.product.title),
                          el("span", { class: "price" }, `¥${m.product.price}`), text) : text;
  }
  const extras = [];
  if (m.card?.kind === "order") {
    extras.push(el("div", { class: "order-card" }, el("strong", {}, m.card.order_id),
                   el("span", {}, m.card.status_label || m.card.status || "")));
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
    m.hidden_reason === "held" ? el("span", { class: "held" }, t("held")) : null,
    m.hidden_reason && m.hidden_reason !== "held" ? el("span", { class: "held" }, t(`hidden.${m.hidden_reason}`)) : null,
    m.deleted || (m.hidden && !m.hidden_reason) ? null : messageActions(m, mine));
}

function quote(id) {
  const original = state.messages.find((x) => x.id === id);
  const text = !original ? t("earlier_message") : original.deleted ? t("deleted")
    : `${nameOf(original.author_id)}：${original.text || original.product?.title || ""}`;
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

// -- the header: title, tools, announcement and pins --------------------------------------------------------

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
    el("span", { class: "title" }, chat.name),
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

export async function toggleMembers() {
  if (state.members) { state.members = null; return refreshChatHeader(); }
  const data = await api("GET", `/api/groups/${state.current.id}/members?limit=100`);
  state.members = data.members;
  for (const m of data.members) { state.users.set(m.user_id, m.user); state.presence.set(m.user_id, m.presence); }
  subscribePresence(data.members.map((m) => m.user_id));
  refreshChatHeader();
}

function membersPanel() {
  return el("ul", { class: "members", id: "members" }, state.members.map((m) => el("li", { "data-user": m.user_id },
    presenceDot(m.user_id), el("button", { type: "button", class: "author", onclick: (e) => userCard(m.user_id, e.currentTarget) },
      m.user?.display_name || m.user_id), m.role !== "member" ? el("span", { class: "role" }, t(`role.${m.role}`)) : null,
    roleControl(state.current, m))));
}

/** For the group's owner and admins: appoint moderators (admins too), admins and hand the group over
 *  (the owner only), as the server allows; nothing for oneself or for those above one's own role. */
function roleControl(group, m) {
  const owner = group.my_role === "owner";
  if (m.user_id === state.me.id || !groupStaff(group) || m.role === "owner" || (m.role === "admin" && !owner)) return null;
  const roles = owner ? ["member", "moderator", "admin", "owner"] : ["member", "moderator"];
  const name = m.user?.display_name || m.user_id;
  const status = el("span", { class: "error", role: "alert" });
  const apply = async (role) => {
    try {
      const data = await api("PUT", `/api/groups/${group.id}/members/${m.user_id}/role`, { role });
      if (role === "owner") memberUpdated(group.id, { user_id: state.me.id, role: "admin" });  // handed over
      memberUpdated(group.id, data.member);
      toast(t("role_set", { name, role: t(`role.${data.member.role}`) }));
    } catch (err) { status.textContent = errorText(err); }
  };
  const pick = el("select", { class: "role-select", "aria-label": `${t("set_role")} · ${name}`, onchange: () => {
    status.replaceChildren();
    if (pick.value !== "owner") return apply(pick.value);
    status.replaceChildren(el("button", { type: "button", class: "confirm-handover", onclick: () => apply("owner") },
                              t("confirm_handover", { name })));  // handing over is asked twice
  } }, roles.map((r) => el("option", { value: r, selected: r === m.role }, r === "owner" ? t("make_owner") : t(`role.${r}`))));
  return el("span", { class: "role-control" }, pick, status);
}

/** Someone's role in a group changed (group:updated with a member): the member list, and when it is mine,
 *  my tools in that group (pins, the announcement, moderation buttons on messages). */
export function memberUpdated(groupId, member) {
  const here = state.current?.kind === "group" ? state.current : state.current?.group;
  if (here?.id === groupId && state.members) {
    const at = state.members.findIndex((x) => x.user_id === member.user_id);
    if (at >= 0) state.members[at] = { ...state.members[at], role: member.role };
  }
  if (member.user_id === state.me.id) {
    for (const g of [state.groups.find((x) => x.id === groupId), here?.id === groupId ? here : null]) {
      if (g) g.my_role = member.role;
    }
    if (here?.id === groupId) redrawMessages();
    hooks.roleChanged?.(groupId, member.role);
  }
  if (here?.id === groupId) refreshChatHeader();
}

/** The messages on screen drawn again in place, for a change in what I may do with them. */
function redrawMessages() {
  for (const node of [...(list()?.children || [])]) {
    const m = state.messages.find((x) => x.id === node.dataset.id);
    if (m) node.replaceWith(messageItem(m));
  }
}

export function groupUpdated(group) {
  const mine = state.groups.find((g) => g.id === group.id);
  if (mine) Object.assign(mine, group, { my_role: mine.my_role });
  if (state.current?.kind === "group" && state.current.id === group.id) {
    Object.assign(state.current, group, { my_role: state.current.my_role });
    refreshChatHeader();
  }
}

// -- typing -----------------------------------------------------------------------------------------------

export function typingEvent({ conversation_id, user_id, typing }) {
  if (user_id === state.me.id) return;
  const who = state.typing.get(conversation_id) || new Map();
  clearTimeout(who.get(user_id));
  if (typing === false) who.delete(user_id);
  else who.set(user_id, setTimeout(() => stopTyping(conversation_id, user_id), 6000));
  state.typing.set(conversation_id, who);
  loadUsers([user_id]).then(renderTyping);
}

function stopTyping(conversationId, userId) {
  const who = state.typing.get(conversationId);
  if (!who?.has(userId)) return;
  clearTimeout(who.get(userId));
  who.delete(userId);
  renderTyping();
}

function renderTyping() {
  const line = document.getElementById("typing");
  if (!line || !state.current) return;
  const ids = [...(state.typing.get(state.current.conversation_id)?.keys() || [])];
  line.textContent = ids.length ? t("typing", { names: ids.map(nameOf).join("、") }) : "";
}

// -- writing ----------------------------------------------------------------------------------------------

function setReply(m) {
  state.replyTo = m;
  renderReplyBar();
  document.getElementById("composer")?.focus();
}

function renderReplyBar() {
  const bar = document.getElementById("reply-bar");
  if (!bar) return;
  const m = state.replyTo;
  bar.replaceChildren(...(m ? [el("span", {}, t("replying_to", { name: nameOf(m.author_id) }), "：", (m.text || "").slice(0, 40)),
    el("button", { type: "button", "aria-label": t("cancel"), onclick: () => { state.replyTo = null; renderReplyBar(); } }, "×")] : []));
  bar.hidden = !m;
}

export function composer() {
  const conversationId = state.current.conversation_id;  // what is sent from here goes where the screen shows
  const input = el("textarea", { id: "composer", rows: 1, placeholder: t("write"), maxlength: 4000, "aria-label": t("write") });
  input.value = state.drafts[conversationId] || "";
  const suggest = el("ul", { class: "suggest", id: "mention-suggest", hidden: true });
  let lastTyping = 0;
  const send = async (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    const draft = { text, ...(state.replyTo ? { reply_to: state.replyTo.id } : {}) };
    input.value = "";
    keepDraft(conversationId, "");
    state.replyTo = null;
    renderReplyBar();
    lastTyping = 0;
    if (!await sendDraft(draft, conversationId)) { input.value = text; keepDraft(conversationId, text); }
  };
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      const first = suggest.hidden ? null : suggest.querySelector("button");
      if (first) { e.preventDefault(); first.click(); } else send(e);
    }
    if (e.key === "Escape") suggest.hidden = true;
  });
  input.addEventListener("input", () => {
    keepDraft(conversationId, input.value);
    const now = Date.now();
    if (now - lastTyping > 3000 && state.socket?.connected) {
      lastTyping = now;
      state.socket.emit("typing", { conversation_id: conversationId, typing: true });
    }
    suggestMentions(input, suggest);
  });
  const picker = el("div", { class: "product-picker", id: "product-picker", hidden: true });
  return el("form", { class: "composer", onsubmit: send },
    el("div", { class: "reply-bar", id: "reply-bar", hidden: true }), suggest, picker,
    inService() ? null : el("button", { type: "button", id: "share-product", title: t("share_product"), "aria-label": t("share_product"),
                                        onclick: () => toggleProductPicker(picker) }, "🛍"),
    input, el("button", { type: "submit" }, t("send")), el("p", { class: "error", role: "alert", id: "send-error" }));
}

/** Share one of the shop's products as a card: search the catalogue, pick one. */
function toggleProductPicker(picker) {
  if (!picker.hidden) { picker.hidden = true; return; }
  const q = el("input", { type: "search", name: "product_q", placeholder: t("product_search"), "aria-label": t("product_search") });
  const results = el("ul", { class: "product-results" });
  const search = latestInto(results, () => api("GET", `/api/products?q=${encodeURIComponent(q.value.trim())}&limit=8`), ({ products }) => {
    results.replaceChildren(...(products.length ? products.map((p) => el("li", {}, el("button", { type: "button", "data-sku": p.sku,
      onclick: async () => {
        picker.hidden = true;
        await sendDraft({ type: "product", text: "", product: { sku: p.sku } });  // the server builds the card from its catalogue
      } }, el("strong", {}, p.title), el("span", { class: "price" }, `¥${p.price}`))))
      : [el("li", { class: "empty" }, t("nothing_found"))]));
  });
  q.addEventListener("keydown", (e) => { if (e.key === "Enter" && !e.isComposing) { e.preventDefault(); search(); } });
  picker.replaceChildren(q, results);
  picker.hidden = false;
  q.focus();
  search();
}

async function suggestMentions(input, suggest) {
  const before = input.value.slice(0, input.selectionStart);
  const match = /@([\w\u3400-\u9fff]{0,20})$/u.exec(before);
  const group = state.current?.kind === "group" ? state.current : state.current?.group;
  if (!match || !group) { suggest.hidden = true; return; }
  const q = match[1].toLowerCase();
  // whoever wrote in what is loaded here first (the likeliest to be meant), then the group's members found by
  // name on the server, however many there are
  const members = (await api("GET", `/api/groups/${group.id}/members?limit=8${q ? `&q=${encodeURIComponent(q)}` : ""}`))
    .members.map((m) => m.user);
  if (input.value.slice(0, input.selectionStart) !== before) return;  // typing went on: a newer lookup answers
  const people = new Map([...state.messages.map((m) => state.users.get(m.author_id)), ...members]
    .filter((u) => u && u.role !== "bot" && u.id !== state.me.id).map((u) => [u.id, u]));
  const found = [...people.values()].filter((u) =>
    u.username.toLowerCase().startsWith(q) || u.display_name.toLowerCase().includes(q)).slice(0, 6);
  suggest.replaceChildren(...found.map((u) => el("li", {}, el("button", { type: "button", "data-username": u.username, onclick: () => {
    const start = before.length - match[0].length;
    input.value = `${input.value.slice(0, start)}@${u.username} ${input.value.slice(input.selectionStart)}`;
    input.focus();
    input.selectionStart = input.selectionEnd = start + u.username.length + 2;
    suggest.hidden = true;
  } }, avatar(u, "small"), u.display_name, el("span", { class: "meta" }, `@${u.username}`)))));
  suggest.hidden = found.length === 0;
}

function showSendError(error) {
  const box = document.getElementById("send-error");
  if (box) box.textContent = error ? errorText(error) : "";
}

/** Sends now, or keeps the draft in the outbox while offline; it is sent once when back online (the
 *  server recognises a resend by its client_msg_id). Resolves true unless the server refused it. */
export async function sendDraft(draft, conversationId = state.current.conversation_id) {
  const item = { conversation_id: conversationId, ...draft, client_msg_id: crypto.randomUUID() };
  if (!state.socket?.connected) {
    state.outbox.push(item);
    saveOutbox();
    renderPending();
    return true;
  }
  return deliver(item);
}

async function deliver(item) {
  let ack;
  try {
    ack = await state.socket.timeout(10000).emitWithAck("message:send", item);
  } catch {  // no answer: keep it and send it again when the connection is back
    if (!state.outbox.some((x) => x.client_msg_id === item.client_msg_id)) { state.outbox.push(item); saveOutbox(); }
    renderPending();
    return true;
  }
  if (ack.ok) { showSendError(null); upsert(ack.message); return true; }
  if (item.conversation_id === state.current?.conversation_id) showSendError(ack.error);
  return false;
}

export async function flushOutbox() {
  while (state.outbox.length && state.socket?.connected) {
    const item = state.outbox[0];
    let ack;
    try { ack = await state.socket.timeout(10000).emitWithAck("message:send", item); } catch { return; }
    state.outbox.shift();
    saveOutbox();
    if (ack.ok) {
      if (ack.message.conversation_id === state.current?.conversation_id) upsert(ack.message);
    } else {  // refused when it finally went out: back in that conversation's composer, to change and resend
      if (item.text && !state.drafts[item.conversation_id]) keepDraft(item.conversation_id, item.text);
      if (item.conversation_id === state.current?.conversation_id) {
        showSendError(ack.error);
        const box = document.getElementById("composer");
        if (box && !box.value) box.value = item.text;
      }
    }
    renderPending();
  }
}

// kept in this browser per user: the outbox, and the drafts (what is typed and not sent, per conversation,
// kept when switching away and back, through redraws and reloads)
const outboxKey = () => `outbox:${state.me.id}`;
const draftsKey = () => `drafts:${state.me.id}`;
export function loadKept() {
  try { state.outbox = JSON.parse(localStorage.getItem(outboxKey()) || "[]"); } catch { state.outbox = []; }
  try { state.drafts = JSON.parse(localStorage.getItem(draftsKey()) || "{}"); } catch { state.drafts = {}; }
}
function saveOutbox() { localStorage.setItem(outboxKey(), JSON.stringify(state.outbox)); }
export function keepDraft(conversationId, text) {
  if (text) state.drafts[conversationId] = text; else delete state.drafts[conversationId];
  localStorage.setItem(draftsKey(), JSON.stringify(state.drafts));
}

function dropPending(clientMsgId) {
  if (!clientMsgId) return;
  document.querySelector(`#pending [data-client="${CSS.escape(clientMsgId)}"]`)?.remove();
}

function renderPending() {
  const box = document.getElementById("pending");
  if (!box) return;
  box.replaceChildren(...state.outbox.filter((x) => x.conversation_id === state.current?.conversation_id).map((x) =>
    el("li", { class: "message mine pending", "data-client": x.client_msg_id },
       el("p", { class: "text" }, x.text), el("span", { class: "held" }, t("unsent")))));
  const s = scroller();
  if (s) s.scrollTop = s.scrollHeight;
}

// -- the conversation pane ----------------------------------------------------------------------------------

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

export { presenceDot };
