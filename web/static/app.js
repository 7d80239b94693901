// The shopper's web client: log in, my groups, the group chat live. User content is only ever
// put in the page as text (textContent), never as HTML.
import { t, lang, setLang, errorText } from "./i18n.js";

const state = { token: localStorage.getItem("token"), me: null, groups: [], current: null, messages: [], socket: null,
                users: new Map(), registering: false };
const app = document.getElementById("app");

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value !== undefined && value !== null && value !== false) node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

async function api(method, path, body) {
  const resp = await fetch(path, {
    method, headers: { "Content-Type": "application/json", ...(state.token ? { Authorization: `Bearer ${state.token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await resp.json().catch(() => ({}));
  if (!resp.ok) throw data.error || { code: "default" };
  return data;
}

// -- log in ---------------------------------------------------------------------------------------

function renderLogin(error) {
  const username = el("input", { name: "username", autocomplete: "username", placeholder: t("username"), required: true });
  const password = el("input", { name: "password", type: "password", autocomplete: "current-password",
                                 placeholder: t("password"), required: true });
  const form = el("form", { class: "login", onsubmit: async (e) => {
    e.preventDefault();
    try {
      const path = state.registering ? "/api/auth/register" : "/api/auth/login";
      const data = await api("POST", path, { username: username.value.trim(), password: password.value });
      state.token = data.token;
      localStorage.setItem("token", data.token);
      await start();
    } catch (err) {
      renderLogin(errorText(err));
    }
  } },
    el("h1", {}, t("app")), username, password,
    error ? el("p", { class: "error", role: "alert" }, error) : null,
    el("button", { type: "submit" }, state.registering ? t("register") : t("login")),
    el("a", { href: "#", class: "switch", onclick: (e) => { e.preventDefault(); state.registering = !state.registering;
                                                            renderLogin(); } },
       state.registering ? t("have_account") : t("no_account")),
    languageButton());
  app.replaceChildren(form);
  username.focus();
}

function languageButton() {
  return el("button", { type: "button", class: "lang", onclick: () => { setLang(lang === "zh-CN" ? "en" : "zh-CN"); render(); } },
            t("language"));
}

// -- the chat ---------------------------------------------------------------------------------------

async function start() {
  try {
    state.me = (await api("GET", "/api/me")).user;
  } catch {
    state.token = null;
    localStorage.removeItem("token");
    return renderLogin();
  }
  state.groups = (await api("GET", "/api/me/groups")).groups;
  connect();
  render();
}

function connect() {
  if (state.socket) state.socket.disconnect();
  const socket = io({ auth: { token: state.token }, transports: ["websocket"] });
  state.socket = socket;
  socket.on("connect", () => { document.body.classList.remove("offline"); resync(); });
  socket.on("disconnect", () => document.body.classList.add("offline"));
  socket.on("message:new", (m) => upsert(m));
  socket.on("message:updated", (m) => upsert(m));
}

async function resync() {
  // messages missed while offline: everything after the last seq we have
  if (!state.current || !state.messages.length) return;
  const last = state.messages[state.messages.length - 1].seq;
  const ack = await state.socket.emitWithAck("sync", { cursors: { [state.current.conversation_id]: last } });
  for (const m of ack.conversations?.[state.current.conversation_id]?.messages || []) upsert(m);
}

function upsert(m) {
  const group = state.groups.find((g) => g.conversation_id === m.conversation_id);
  if (!state.current || m.conversation_id !== state.current.conversation_id) {
    if (group && m.author_id !== state.me.id) { group.unread = (group.unread || 0) + 1; renderGroups(); }
    return;
  }
  const at = state.messages.findIndex((x) => x.id === m.id);
  if (at >= 0) state.messages[at] = m;
  else { state.messages.push(m); state.messages.sort((a, b) => a.seq - b.seq); }
  renderMessages();
  if (!state.users.has(m.author_id)) loadUsers([m.author_id]).then(renderMessages);
  markRead();
}

async function openGroup(group) {
  state.current = group;
  state.messages = (await api("GET", `/api/conversations/${group.conversation_id}/messages?limit=50`)).messages;
  await loadUsers(state.messages.map((m) => m.author_id));
  render();
  markRead();
}

async function loadUsers(ids) {
  const missing = [...new Set(ids)].filter((id) => !state.users.has(id));
  await Promise.all(missing.map(async (id) => {
    try { state.users.set(id, (await api("GET", `/api/users/${id}`)).user); } catch { state.users.set(id, null); }
  }));
}

function markRead() {
  const g = state.current;
  if (!g || !state.messages.length) return;
  const seq = state.messages[state.messages.length - 1].seq;
  g.unread = 0;
  state.socket.emit("read", { conversation_id: g.conversation_id, seq });
  renderGroups();
}

function render() {
  if (!state.me) return renderLogin();
  app.replaceChildren(
    el("div", { class: "banner-offline", role: "status" }, t("offline")),
    el("header", {}, el("strong", {}, t("app")), el("span", { class: "me" }, state.me.display_name), languageButton(),
       el("button", { type: "button", onclick: logout }, t("logout"))),
    el("main", { class: state.current ? "chatting" : "" },
       el("nav", { class: "groups", "aria-label": t("my_groups") }, el("h2", {}, t("my_groups")), el("ul", { id: "group-list" })),
       el("section", { class: "chat" },
          state.current ? [
            el("h2", { class: "chat-title" },
               el("button", { type: "button", class: "back", onclick: () => { state.current = null; render(); } }, "‹"),
               state.current.name),
            el("ol", { id: "messages", class: "messages" }),
            composer(),
          ] : el("p", { class: "empty" }, t("pick_group")))));
  renderGroups();
  renderMessages();
}

function renderGroups() {
  const list = document.getElementById("group-list");
  if (!list) return;
  list.replaceChildren(...state.groups.map((g) => el("li", {},
    el("button", { type: "button", class: state.current?.id === g.id ? "group active" : "group", "data-group": g.id,
                   onclick: () => openGroup(g) },
       el("span", { class: "name" }, g.name),
       g.unread ? el("span", { class: "badge", "aria-label": "unread" }, g.unread > 99 ? "99+" : g.unread) : null))));
}

function renderMessages() {
  const list = document.getElementById("messages");
  if (!list) return;
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.replaceChildren(...state.messages.map(messageItem));
  if (atBottom || list.dataset.filled !== "1") { list.scrollTop = list.scrollHeight; list.dataset.filled = "1"; }
}

function messageItem(m) {
  const author = state.users.get(m.author_id);
  const mine = m.author_id === state.me.id;
  let body;
  if (m.deleted) body = el("em", { class: "gone" }, t("deleted"));
  else if (m.hidden && !m.hidden_reason) body = el("em", { class: "gone" }, t("hidden"));
  else if (m.product) {
    body = el("div", { class: "product" }, el("strong", {}, m.product.title), el("span", { class: "price" }, `¥${m.product.price}`),
              m.text ? el("p", { class: "text" }, m.text) : null);
  } else body = el("p", { class: "text" }, m.text);
  return el("li", { class: mine ? "message mine" : "message", "data-seq": m.seq, "data-id": m.id },
    el("span", { class: "author" }, author ? author.display_name : "…"),
    body,
    m.hidden_reason === "held" ? el("span", { class: "held" }, t("held")) : null);
}

function composer() {
  const input = el("textarea", { id: "composer", rows: 1, placeholder: t("write"), maxlength: 4000 });
  const error = el("p", { class: "error", role: "alert", id: "send-error" });
  const send = async (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    const ack = await state.socket.emitWithAck("message:send", {
      conversation_id: state.current.conversation_id, text, client_msg_id: crypto.randomUUID() });
    if (ack.ok) { input.value = ""; error.textContent = ""; upsert(ack.message); }
    else error.textContent = errorText(ack.error);
  };
  input.addEventListener("keydown", (e) => { if (e.key === "Enter" && !e.shiftKey && !e.isComposing) send(e); });
  return el("form", { class: "composer", onsubmit: send }, input, el("button", { type: "submit" }, t("send")), error);
}

function logout() {
  api("POST", "/api/auth/logout").catch(() => {});
  localStorage.removeItem("token");
  state.socket?.disconnect();
  Object.assign(state, { token: null, me: null, current: null, messages: [] });
  renderLogin();
}

setLang(lang);
if (state.token) start(); else renderLogin();
