// What every screen shares: the state, building elements, the REST helper, users, and user text made
// safe. User content only ever reaches the page as text nodes (textContent); links become anchors only
// for http(s) addresses and always carry rel="noopener nofollow ugc".
import { t, setRefusalExplainer } from "./i18n.js";

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
  if (typeof a.url === "string" && a.url.startsWith("/media/avatars/")) {  // their picture, over the initials
    const img = el("img", { src: a.url, alt: "", loading: "lazy", decoding: "async" });
    img.addEventListener("error", () => img.remove());  // gone meanwhile: the initials show again
    node.append(img);
  }
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

/** A message in one line, where a last message or an alert shows it: its words, after [图片] for a picture message;
 *  for a card sent without words, the order or the product it shows. */
export function messagePreview(m) {
  if (!m) return "";
  const picture = m.type === "image" || m.card?.kind === "image" ? t("picture_preview") : "";
  const words = m.text || (picture ? "" : m.card?.order_id ? `${t("order_no")} ${m.card.order_id}`
    : m.card?.title || m.product?.title || "");
  return [picture, words].filter(Boolean).join(" ");
}

// -- rule ids as moderators read them -----------------------------------------------------------------------------

const RULE_CATEGORIES = ["diversion", "scam", "gambling", "porn", "drugs", "abuse", "counterfeit", "custom", "link", "spam",
                         "harassment", "other", "picture"];
const NAMED_RULES = ["spam:slow_mode", "spam:flood", "spam:repeat", "spam:mentions", "new_member:link",
                     "new_member:private", "support:contact", "new_member:picture", "picture:qr_contact", "picture:qr_link",
                     "picture:removed_again", "picture:unreadable", "picture:review"];

/** A category (of a rule, a report, a verdict) in words: 引流, 假货, 自定义词 … */
export const ruleCategory = (category) => t(RULE_CATEGORIES.includes(category) ? `rule.cat.${category}` : "rule.unknown");

/** Matched words without their detector's prefix, each once: phone:138… → 138…, contact:微信 → 微信, link:bit.ly → bit.ly. */
export const matchedWords = (matches) => [...new Set((matches || []).map((m) =>
  String((typeof m === "string" ? m : m?.term) || "").replace(/^(?:phone|contact|link):/, "")).filter(Boolean))];

/** A rule id in words, with the word it matched: counterfeit:卖高仿 → 假货（卖高仿）, diversion:phone:138… → 引流（138…）,
 *  link:bit.ly → 链接（bit.ly）, report:diversion → 举报：引流, spam:slow_mode → 刷屏：慢速模式. An id this client
 *  doesn't know says 其他规则, never the raw id. */
export function ruleLabel(rule) {
  if (!rule) return "";
  const [head, ...rest] = rule.split(":");
  let term = rest.join(":");
  let name;
  if (head === "picture" && ["text", "qr_text"].includes(rest[0])) {  // the engine's rule on what a picture says
    return t(`rule.picture:${rest[0]}`, { what: ruleLabel(rest.slice(1).join(":")) || ruleCategory("") });
  }
  if (head === "report") {
    name = t("rule.report", { what: ruleCategory(term) });
    term = "";
  } else if (NAMED_RULES.includes(rule)) {
    name = t(`rule.${rule}`);
    term = "";
  } else if (head === "phone" || head === "contact") {  // a detector's own id: contact details, i.e. diversion
    name = ruleCategory("diversion");
    term = rule;
  } else if (head === "spam") {
    name = t("rule.spam");
    term = "";
  } else if (head === "picture") {  // a picture rule this client doesn't know by name
    name = t("rule.picture");
    term = "";
  } else {
    name = ruleCategory(head);
  }
  const words = matchedWords([term]);
  return words.length ? t("rule.words", { name, words: words.join(t("rule.sep")) }) : name;
}

/** What was found in a picture, from a verdict's matches: qr:<target> → 二维码指向 <target>, text:<words> → 图中文字「<words>」
 *  (the words cut to 40 characters); the engine's own matches (contact:微信 …) are in the rule's label already. */
export const pictureFindings = (matches) => [...new Set((matches || []).map(String).map((m) => {
  const said = (s) => s.replace(/\s+/g, " ").trim();
  const cut = (s) => (s.length > 40 ? `${s.slice(0, 40)}…` : s);
  if (m.startsWith("qr:")) return t("found.qr", { target: cut(said(m.slice(3))) });
  if (m.startsWith("text:")) return t("found.text", { words: cut(said(m.slice(5))) });
  return "";
}).filter(Boolean))];

/** Why a picture was refused, in words: the rule, then what was found (图片里的微信/QQ二维码 · 二维码指向 https://u.wechat.com/…).
 *  errorText (i18n.js) says a refused picture's send error with it. */
export function pictureRefusal(rule, matches) {
  const found = pictureFindings(matches);
  return [ruleLabel(rule) || t("rule.picture"), ...found].join(" · ");
}
setRefusalExplainer(pictureRefusal);

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
