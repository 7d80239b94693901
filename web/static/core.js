// What every screen shares: the state, building elements, the REST helper, users, and user text made
// safe. User content only ever reaches the page as text nodes (textContent); links become anchors only
// for http(s) addresses and always carry rel="noopener nofollow ugc".
import { t } from "./i18n.js";

export const state = {
  token: localStorage.getItem("token"), me: null, socket: null,
  groups: [], privates: [], users: new Map(), presence: new Map(),
  view: "chat", current: null, threadsOf: null,
  messages: [], hasOlder: false, hasNewer: false,  // the open conversation's loaded messages, by seq
  replyTo: null, typing: new Map(), members: null, pins: [],
  moderator: false, desk: null, canned: null, agents: null,
  mod: { tab: "queue", cases: [], openCase: null },
  notes: { unread: 0, list: [] }, outbox: [], drafts: {},
};
window.shopchat = { state };  // a handle for debugging and for the browser tests

// screens register here what re-renders them, so modules don't import each other in circles
export const hooks = { render: () => {}, renderGroups: () => {}, openConversation: async () => {} };

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value !== undefined && value !== null && value !== false) node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export async function api(method, path, body) {
  let resp;
  try {
    resp = await fetch(path, {
      method, headers: { "Content-Type": "application/json", ...(state.token ? { Authorization: `Bearer ${state.token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw { code: "offline" };
  }
  const data = await resp.json().catch(() => ({}));
  if (!resp.ok) throw data.error || { code: "default" };
  return data;
}

/** The people not known yet, fetched 100 to a request; one that doesn't exist is remembered as null. */
export async function loadUsers(ids) {
  const missing = [...new Set(ids)].filter((id) => id && !state.users.has(id));
  const batches = [];
  for (let i = 0; i < missing.length; i += 100) batches.push(missing.slice(i, i + 100));
  await Promise.all(batches.map(async (batch) => {
    let found = [];
    try { found = (await api("GET", `/api/users?ids=${batch.join(",")}`)).users; } catch { /* remembered as unknown */ }
    for (const u of found) state.users.set(u.id, u);
    for (const id of batch) if (!state.users.has(id)) state.users.set(id, null);
  }));
}

export const nameOf = (id) => state.users.get(id)?.display_name || "…";

export function avatar(user, size = "") {
  const a = user?.avatar || { initials: "?", color: "#c9cdd4" };
  const node = el("span", { class: `avatar ${size}`, "aria-hidden": "true" }, a.initials);
  // through the CSSOM: the Content-Security-Policy (style-src 'self') refuses style attributes
  node.style.background = /^#[0-9a-f]{6}$/i.test(a.color) ? a.color : "#c9cdd4";
  return node;
}

export function presenceDot(userId) {
  const status = state.presence.get(userId) || "offline";
  return el("span", { class: `dot ${status}`, "data-presence": userId, title: t(`presence.${status}`) });
}

const LINK = /\bhttps?:\/\/[^\s<>"'，。！？、；）】》]+/gi;

/** Message text as nodes: http(s) links as safe anchors, @mentions of these usernames marked. */
export function richText(text, { mentionNames = [], mentionAll = false } = {}) {
  const frag = document.createDocumentFragment();
  const names = new Set(mentionNames.map((n) => n.toLowerCase()));
  const pattern = new RegExp(`${LINK.source}|@([\\w\\u3400-\\u9fff]+)`, "giu");
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    const [whole, name] = match;
    const kind = name === undefined ? "link"
      : names.has(name.toLowerCase()) || (mentionAll && ["all", "所有人"].includes(name.toLowerCase())) ? "mention" : null;
    if (!kind) continue;
    frag.append(text.slice(last, match.index));
    if (kind === "link") frag.append(safeLink(whole));
    else frag.append(el("span", { class: name.toLowerCase() === state.me?.username.toLowerCase() ? "mention me" : "mention" }, whole));
    last = match.index + whole.length;
  }
  frag.append(text.slice(last));
  return frag;
}

function safeLink(href) {
  let url;
  try { url = new URL(href); } catch { return document.createTextNode(href); }
  if (url.protocol !== "http:" && url.protocol !== "https:") return document.createTextNode(href);
  return el("a", { href: url.href, rel: "noopener nofollow ugc", target: "_blank" }, href);
}

/** A search snippet: `highlights` are [start, end) offsets into `text`; each becomes a <mark>. */
export function highlighted({ text, highlights }) {
  const frag = document.createDocumentFragment();
  let last = 0;
  for (const [start, end] of highlights || []) {
    if (start < last || end > text.length) continue;
    frag.append(text.slice(last, start), el("mark", {}, text.slice(start, end)));
    last = end;
  }
  frag.append(text.slice(last));
  return frag;
}

export function timeLabel(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  const today = new Date().toDateString() === d.toDateString();
  return today ? d.toLocaleTimeString(document.documentElement.lang, { hour: "2-digit", minute: "2-digit" })
    : d.toLocaleString(document.documentElement.lang, { month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

export function toast(text, kind = "info") {
  const box = document.getElementById("toasts") || document.body.appendChild(el("div", { id: "toasts", role: "status" }));
  const item = el("div", { class: `toast ${kind}` }, text);
  box.append(item);
  setTimeout(() => item.remove(), kind === "alert" ? 12000 : 5000);
}

/** A system notification while the page is in the background, when the person has allowed them (the
 *  profile asks). `tag`: one per message, so the same message never pops up twice. */
export function desktopAlert(title, body, { tag, onclick } = {}) {
  if (!document.hidden || !("Notification" in window) || Notification.permission !== "granted") return;
  const note = new Notification(title, { body: body.slice(0, 120), tag, lang: document.documentElement.lang });
  note.onclick = () => { window.focus(); note.close(); onclick?.(); };
}

/** A list that each new search replaces: `fetch` runs, and `show` gets its answer only if no later search started
 *  meanwhile (an earlier, slower answer must not overwrite a later one); `box` is aria-busy until then. */
export function latestInto(box, fetch, show) {
  let asked = 0;
  return async () => {
    const mine = ++asked;
    box.setAttribute("aria-busy", "true");
    const data = await fetch();
    if (mine !== asked) return;
    box.setAttribute("aria-busy", "false");
    show(data);
  };
}

/** My groups, as conversations the client can open. */
export function setGroups(groups) {
  state.groups = groups.map((g) => ({ ...g, kind: "group" }));
}

export const isPlatformModerator = () => ["moderator", "admin"].includes(state.me?.role);
export const isAgent = () => ["agent", "admin"].includes(state.me?.role);  // serves customers at the desk
export const groupStaff = (group) => ["owner", "admin"].includes(group?.my_role);
export const groupModerator = (group) => ["owner", "admin", "moderator"].includes(group?.my_role);
