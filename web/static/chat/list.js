// Opening a conversation and its message list. The list is windowed: however long the history, at most
// WINDOW messages are in the page; scrolling up brings earlier ones in (from memory, then from the server)
// and drops those far below. Live messages (upsert) and read marks land here too.
import { state, hooks, el, api, loadUsers } from "../core.js";
import { errorText } from "../i18n.js";
import { messageItem } from "./message.js";
import { renderPending, dropPending } from "./outbox.js";
import { stopTyping, loadSilences } from "./composer.js";
import { subscribePresence } from "./members.js";
import { refreshChatHeader } from "./header.js";

// messages in the page at most; localStorage "shopchat.window" = "all" turns windowing off, which is how
// `make bench` measures what the window saves (bench/web_client.py)
export const WINDOW = localStorage.getItem("shopchat.window") === "all" ? Infinity : 120;
const STEP = 40;             // how many come in or go out at a time
const PAGE = 50;             // history page size
const EDGE = 400;            // px from either end that brings more in
const win = { start: 0, end: 0, busy: false };
let arriving = null;  // while a conversation's history loads: the live messages that come meanwhile

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
  if (chat.kind !== "support" && chat.kind !== "desk") loadSilences();  // muted here? said before anything is typed
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

// -- the windowed list -----------------------------------------------------------------------------------

export const scroller = () => document.getElementById("scroller");
export const list = () => document.getElementById("messages");

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

export const atLatest = (box) => !state.hasNewer && win.end === state.messages.length &&
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

/** The messages on screen drawn again in place, for a change in what I may do with them. */
export function redrawMessages() {
  for (const node of [...(list()?.children || [])]) {
    const m = state.messages.find((x) => x.id === node.dataset.id);
    if (m) node.replaceWith(messageItem(m));
  }
}
