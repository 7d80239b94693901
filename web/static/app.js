// The shopper's web client: log in, my groups, the group chat live. User content is only ever
// put in the page as text (textContent), never as HTML.
import { t, lang, setLang, errorText } from "./i18n.js";

const state = { token: localStorage.getItem("token"), me: null, groups: [], current: null, messages: [], socket: null,
                users: new Map(), registering: false, moderator: false, privates: [], threadsOf: null, desk: null, canned: null, view: "chat", cases: [], openCase: null };
const CATEGORIES = ["spam", "diversion", "scam", "gambling", "porn", "abuse", "counterfeit", "harassment", "other"];
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
  await loadPrivates();
  state.moderator = await api("GET", "/api/moderation/cases?limit=1").then(() => true, () => false);
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
  socket.on("moderation:case", () => { if (state.view === "mod") loadQueue(); });
  socket.on("support:updated", (c) => {
    if (state.current?.conversation_id === c.conversation_id) {
      state.current.support = { ...state.current.support, ...c };
      const status = document.getElementById("support-status");
      if (status) status.replaceWith(supportTools(state.current));
      renderMessages();
    }
    if (state.view === "desk") loadDesk();
  });
  socket.on("thread:updated", (th) => {
    if (state.current?.kind !== "thread" || state.current.id !== th.id) return;
    state.current.like_count = th.like_count;
    const like = document.getElementById("thread-like");
    if (like) like.textContent = `👍 ${th.like_count}`;
  });
}

async function resync() {
  // messages missed while offline: everything after the last seq we have
  if (!state.current || !state.messages.length) return;
  const last = state.messages[state.messages.length - 1].seq;
  const ack = await state.socket.emitWithAck("sync", { cursors: { [state.current.conversation_id]: last } });
  for (const m of ack.conversations?.[state.current.conversation_id]?.messages || []) upsert(m);
}

function upsert(m) {
  const chat = [...state.groups, ...state.privates].find((g) => g.conversation_id === m.conversation_id);
  if (!state.current || m.conversation_id !== state.current.conversation_id) {
    if (!chat) {  // a reply in a thread I haven't open, or someone started a private conversation with me
      if (!m.group_id) loadPrivates().then(renderGroups);
      return;
    }
    if (m.author_id !== state.me.id) { chat.unread = (chat.unread || 0) + 1; renderGroups(); }
    return;
  }
  const at = state.messages.findIndex((x) => x.id === m.id);
  if (at >= 0) state.messages[at] = m;
  else { state.messages.push(m); state.messages.sort((a, b) => a.seq - b.seq); }
  renderMessages();
  if (!state.users.has(m.author_id)) loadUsers([m.author_id]).then(renderMessages);
  markRead();
}

async function loadPrivates() {
  const convs = (await api("GET", "/api/conversations")).conversations;
  state.privates = convs.map((c) => ({ id: c.id, conversation_id: c.id, kind: "private", unread: c.unread,
                                       name: c.other ? c.other.display_name : "…" }));
}

async function startPrivate(userId) {
  const conv = (await api("POST", "/api/conversations/private", { user_id: userId })).conversation;
  await loadPrivates();
  await openGroup(state.privates.find((c) => c.id === conv.id));
}

async function openGroup(group) {
  state.current = group;
  state.threadsOf = null;
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
  const header = el("header", {}, el("strong", {}, t("app")),
    ["agent", "admin"].includes(state.me.role) ? el("button", { type: "button", id: "switch-desk", onclick: () => {
      state.view = state.view === "desk" ? "chat" : "desk"; state.current = null;
      if (state.view === "desk") loadDesk(); else render(); } }, state.view === "desk" ? t("chat") : t("desk")) : null,
    state.moderator ? el("button", { type: "button", id: "switch-view", onclick: () => {
      state.view = state.view === "mod" ? "chat" : "mod"; if (state.view === "mod") loadQueue(); else render(); } },
      state.view === "mod" ? t("chat") : t("moderation")) : null,
    el("span", { class: "me" }, state.me.display_name), languageButton(),
    el("button", { type: "button", onclick: logout }, t("logout")));
  if (state.view === "mod") return renderModeration(header);
  if (state.view === "desk") return renderDesk(header);
  app.replaceChildren(
    el("div", { class: "banner-offline", role: "status" }, t("offline")),
    header,
    el("main", { class: state.current ? "chatting" : "" },
       el("nav", { class: "groups", "aria-label": t("my_groups") },
          el("button", { type: "button", id: "contact-support", class: state.current?.kind === "support" ? "group active" : "group",
                         onclick: openSupport }, t("contact_support")),
          el("h2", {}, t("my_groups")), el("ul", { id: "group-list" }),
          el("h2", {}, t("private")), el("ul", { id: "private-list" })),
       el("section", { class: "chat" },
          state.threadsOf ? threadList(state.threadsOf) : state.current ? [
            el("h2", { class: "chat-title" },
               el("button", { type: "button", class: state.current.kind === "thread" ? "back always" : "back",
                              onclick: back }, "‹"),
               el("span", { class: "title" }, state.current.name), chatTools(state.current)),
            el("ol", { id: "messages", class: "messages" }),
            composer(),
          ] : el("p", { class: "empty" }, t("pick_group")))));
  renderGroups();
  renderMessages();
}

function back() {
  if (state.current?.kind === "thread") return showThreads(state.current.group);
  state.current = null;
  state.threadsOf = null;
  render();
}

// -- topic threads (话题) -------------------------------------------------------------------------------

function chatTools(chat) {
  if (chat.kind === "support") return supportTools(chat);
  if (chat.kind === "desk") return deskTools(chat);
  if (chat.kind === "thread") {
    const like = el("button", { type: "button", class: chat.liked ? "like on" : "like", id: "thread-like",
                                onclick: async () => {
      const data = await api(chat.liked ? "DELETE" : "POST", `/api/threads/${chat.id}/like`);
      chat.liked = !chat.liked;
      like.textContent = `👍 ${data.like_count ?? ""}`;
      like.className = chat.liked ? "like on" : "like";
    } }, `👍 ${chat.like_count ?? ""}`);
    const follow = el("button", { type: "button", id: "thread-follow", onclick: async () => {
      await api(chat.following ? "DELETE" : "POST", `/api/threads/${chat.id}/follow`);
      chat.following = !chat.following;
      follow.textContent = chat.following ? t("following") : t("follow");
    } }, chat.following ? t("following") : t("follow"));
    return el("span", { class: "tools" }, like, follow);
  }
  if (chat.kind === "private") return null;
  return el("span", { class: "tools" },
            el("button", { type: "button", id: "open-threads", onclick: () => showThreads(chat) }, t("threads")));
}

async function showThreads(group) {
  const threads = (await api("GET", `/api/groups/${group.id}/threads`)).threads;
  state.threadsOf = { group, threads };
  state.current = group;
  render();
}

function threadList({ group, threads }) {
  const title = el("input", { name: "title", maxlength: 120, placeholder: t("thread_title"), required: true });
  const text = el("textarea", { name: "text", rows: 2, maxlength: 4000, placeholder: t("write"), required: true });
  const error = el("p", { class: "error", role: "alert" });
  const create = el("form", { class: "new-thread", onsubmit: async (e) => {
    e.preventDefault();
    try {
      const data = await api("POST", `/api/groups/${group.id}/threads`, { title: title.value.trim(), text: text.value.trim() });
      await openThread(group, data.thread);
    } catch (err) { error.textContent = errorText(err); }
  } }, title, text, el("button", { type: "submit" }, t("new_thread")), error);
  return [
    el("h2", { class: "chat-title" },
       el("button", { type: "button", class: "back always", onclick: () => { state.threadsOf = null; openGroup(group); } }, "‹"),
       `${group.name} · ${t("threads")}`),
    el("ul", { id: "thread-list", class: "threads" }, threads.map((th) => el("li", {},
      el("button", { type: "button", class: "thread", onclick: () => openThread(group, th) },
         el("strong", {}, th.title),
         el("span", { class: "meta" }, `${t("replies")} ${th.reply_count} · 👍 ${th.like_count}`))))),
    create,
  ];
}

async function openThread(group, thread) {
  const full = (await api("GET", `/api/threads/${thread.id}`)).thread;
  state.threadsOf = null;
  await openGroup({ ...full, name: full.title, kind: "thread", group });
}

function renderGroups() {
  const item = (g) => el("li", {},
    el("button", { type: "button", class: state.current?.id === g.id ? "group active" : "group", "data-group": g.id,
                   onclick: () => openGroup(g) },
       el("span", { class: "name" }, g.name),
       g.unread ? el("span", { class: "badge", "aria-label": "unread" }, g.unread > 99 ? "99+" : g.unread) : null));
  document.getElementById("group-list")?.replaceChildren(...state.groups.map(item));
  document.getElementById("private-list")?.replaceChildren(...state.privates.map(item));
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
  const extras = [];
  if (m.card?.kind === "order") {
    extras.push(el("div", { class: "order-card" }, el("strong", {}, m.card.order_id),
                   el("span", {}, m.card.status_label || m.card.status || "")));
  }
  if (m.card?.kind === "rating_request" && state.current?.kind === "support") extras.push(ratingCard());
  if (m.buttons?.length && state.current?.kind === "support") {
    extras.push(el("div", { class: "quick" }, m.buttons.map((b) => el("button", { type: "button", class: "quick-reply",
      onclick: () => sendDraft({ text: b.title, payload: b.payload }) }, b.title))));
  }
  const inService = ["support", "desk"].includes(state.current?.kind);
  const reportable = !mine && !m.deleted && !m.hidden && !inService;
  return el("li", { class: mine ? "message mine" : "message", "data-seq": m.seq, "data-id": m.id },
    el("span", { class: "author" }, author ? author.display_name : "…",
       !mine && !inService && state.current?.kind !== "private" && author && author.role !== "bot"
         ? el("button", { type: "button", class: "dm", onclick: () => startPrivate(m.author_id) }, t("message_them")) : null),
    body, extras,
    m.hidden_reason === "held" ? el("span", { class: "held" }, t("held")) : null,
    reportable ? el("button", { type: "button", class: "report", title: t("report"),
                                onclick: (e) => e.currentTarget.replaceWith(reportForm(m)) }, t("report")) : null);
}

function reportForm(m) {
  const category = el("select", { name: "category", "aria-label": t("category") },
                      CATEGORIES.map((c) => el("option", { value: c }, t(`cat.${c}`))));
  const note = el("input", { name: "note", maxlength: 500, placeholder: t("note") });
  const status = el("span", { class: "status", role: "status" });
  const form = el("form", { class: "report-form", onsubmit: async (e) => {
    e.preventDefault();
    try {
      await api("POST", `/api/messages/${m.id}/report`, { category: category.value, note: note.value.trim() });
      form.replaceChildren(el("span", { class: "status" }, t("report_sent")));
    } catch (err) { status.textContent = errorText(err); }
  } }, category, note, el("button", { type: "submit" }, t("report")),
     el("button", { type: "button", onclick: () => renderMessages() }, t("cancel")), status);
  return form;
}

// -- the moderator's dashboard ------------------------------------------------------------------------

async function loadQueue() {
  state.cases = (await api("GET", "/api/moderation/cases")).cases;
  if (state.openCase && !state.cases.find((c) => c.id === state.openCase.id)) state.openCase = null;
  render();
}

async function openCase(id) {
  state.openCase = (await api("GET", `/api/moderation/cases/${id}`)).case;
  await loadUsers((state.openCase.context || []).map((m) => m.author_id));
  render();
}

function renderModeration(header) {
  const c = state.openCase;
  app.replaceChildren(header, el("main", { class: "moderation" },
    el("nav", { class: "queue", "aria-label": t("moderation") },
       el("h2", {}, t("moderation")),
       state.cases.length ? el("ul", { id: "case-list" }, state.cases.map((k) => el("li", {},
         el("button", { type: "button", class: c?.id === k.id ? "case active" : "case", "data-case": k.id,
                        onclick: () => openCase(k.id) },
            el("span", { class: "snapshot" }, k.snapshot || k.author?.display_name || k.target_id),
            el("span", { class: "meta" }, `${t("score")} ${k.score} · ${t("reports")} ${k.report_count}`)))))
         : el("p", { class: "empty" }, t("queue_empty"))),
    el("section", { class: "case-detail" }, c ? caseDetail(c) : null)));
}

function caseDetail(c) {
  const reason = el("input", { id: "action-reason", maxlength: 500, placeholder: t("action_reason") });
  const status = el("p", { class: "error", role: "alert", id: "action-error" });
  const act = async (action, duration) => {
    if (action !== "dismiss" && !reason.value.trim()) { status.textContent = t("need_reason"); reason.focus(); return; }
    try {
      await api("POST", `/api/moderation/cases/${c.id}/actions`, { action, reason: reason.value.trim(), duration });
      state.openCase = null;
      await loadQueue();
    } catch (err) { status.textContent = errorText(err); }
  };
  const button = (label, action, duration) => el("button", { type: "button", "data-action": action + (duration ? `-${duration}` : ""),
                                                              onclick: () => act(action, duration) }, label);
  return [
    el("h3", {}, c.author?.user?.display_name || c.author_id, " · ", `${t("score")} ${c.score}`),
    el("h4", {}, t("context")),
    el("ol", { class: "messages context" }, (c.context || []).map((m) => {
      const item = messageItem(m);
      item.querySelector("button.report")?.remove();
      if (m.id === c.message_id) item.classList.add("reported");
      return item;
    })),
    el("h4", {}, t("reports")),
    el("ul", { class: "reports" }, c.reports.map((r) => el("li", {},
      `${r.reporter?.display_name || r.reporter_id} · ${t(`cat.${r.category}`)} · ${r.weight}`,
      r.note ? el("q", {}, r.note) : null))),
    el("h4", {}, t("author_history")),
    el("ul", { class: "history" }, (c.author?.sanctions || []).map((s) => el("li", {}, `${t(`act.${s.kind}`)} · ${s.reason}`))),
    el("div", { class: "actions" }, reason,
       button(t("act.dismiss"), "dismiss"), button(t("act.delete"), "delete"), button(t("act.warn"), "warn"),
       ...["10m", "1h", "1d", "7d"].map((d) => button(`${t("act.mute")} ${t(`dur.${d}`)}`, "mute", d)),
       c.scope !== "platform" ? button(t("act.kick"), "kick") : null,
       button(`${t("act.ban")} ${t("dur.7d")}`, "ban", "7d"), button(t("act.ban"), "ban", "permanent")),
    status,
  ];
}

function composer() {
  const input = el("textarea", { id: "composer", rows: 1, placeholder: t("write"), maxlength: 4000 });
  const error = el("p", { class: "error", role: "alert", id: "send-error" });
  const send = async (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (text && await sendDraft({ text })) input.value = "";
  };
  input.addEventListener("keydown", (e) => { if (e.key === "Enter" && !e.shiftKey && !e.isComposing) send(e); });
  return el("form", { class: "composer", onsubmit: send }, input, el("button", { type: "submit" }, t("send")), error);
}

async function sendDraft(draft) {
  const error = document.getElementById("send-error");
  const ack = await state.socket.emitWithAck("message:send", {
    conversation_id: state.current.conversation_id, ...draft, client_msg_id: crypto.randomUUID() });
  if (ack.ok) { if (error) error.textContent = ""; upsert(ack.message); return true; }
  if (error) error.textContent = errorText(ack.error);
  return false;
}

// -- 联系客服: the customer's side ------------------------------------------------------------------------

async function openSupport() {
  const data = await api("POST", "/api/support");
  await openGroup({ id: data.conversation.id, conversation_id: data.conversation.id, kind: "support",
                    name: t("contact_support"), support: data.support });
}

function supportTools(chat) {
  const c = chat.support || {};
  const label = c.state === "queued" ? t("queued", { n: c.position ?? "…" })
    : c.state === "assigned" ? t("agent_serving", { name: c.agent?.display_name || "" })
    : c.state === "resolved" ? t("support_resolved") : t("bot_serving");
  return el("span", { class: "tools", id: "support-status", "data-state": c.state || "" }, el("span", { class: "state" }, label),
    c.state === "bot" ? el("button", { type: "button", id: "handoff", onclick: async () => {
      chat.support = (await api("POST", `/api/support/cases/${chat.conversation_id}/handoff`)).support;
      document.getElementById("support-status")?.replaceWith(supportTools(chat));
    } }, t("handoff")) : null);
}

function ratingCard() {
  const c = state.current.support || {};
  if (!c.rating_pending) return el("p", { class: "rated" }, t("rated"));
  const comment = el("input", { name: "comment", maxlength: 500, placeholder: t("rating_comment") });
  const rate = async (body) => {
    state.current.support = (await api("POST", `/api/support/cases/${state.current.conversation_id}/rating`, body)).support;
    renderMessages();
  };
  return el("div", { class: "rating" },
    el("div", { class: "stars" }, [1, 2, 3, 4, 5].map((n) => el("button", { type: "button", "data-score": n,
      title: String(n), onclick: () => rate({ score: n, comment: comment.value.trim() }) }, "★".repeat(n)))),
    comment, el("button", { type: "button", class: "skip", onclick: () => rate({ skip: true }) }, t("skip")));
}

// -- the agent's desk ---------------------------------------------------------------------------------------

async function loadDesk() {
  const [queue, mine] = await Promise.all([api("GET", "/api/support/queue"), api("GET", "/api/support/mine")]);
  state.desk = { queue: queue.queue, mine: mine.cases };
  if (!state.canned) state.canned = (await api("GET", "/api/support/canned")).replies;
  if (state.current?.kind === "desk") {
    state.current.detail = (await api("GET", `/api/support/cases/${state.current.conversation_id}`)).support;
  }
  render();
}

async function openDeskCase(c, claim) {
  if (claim) await api("POST", `/api/support/cases/${c.conversation_id}/claim`);
  const detail = (await api("GET", `/api/support/cases/${c.conversation_id}`)).support;
  state.current = { id: c.conversation_id, conversation_id: c.conversation_id, kind: "desk", detail,
                    name: detail.customer?.display_name || "" };
  state.messages = detail.transcript;
  await loadUsers(state.messages.map((m) => m.author_id));
  await loadDesk();
}

function deskTools(chat) {
  return el("span", { class: "tools" },
    chat.detail?.state === "assigned" ? el("button", { type: "button", id: "resolve", onclick: async () => {
      await api("POST", `/api/support/cases/${chat.conversation_id}/resolve`);
      await loadDesk();
    } }, t("resolve")) : el("span", { class: "state" }, chat.detail?.state || ""));
}

function renderDesk(header) {
  header = header || document.querySelector("header");
  const desk = state.desk || { queue: [], mine: [] };
  const entry = (c, claim) => el("li", {}, el("button", { type: "button", class: "case", "data-case": c.conversation_id,
      onclick: () => openDeskCase(c, claim) },
    el("strong", {}, c.customer?.display_name || c.customer_id),
    el("span", { class: "meta" }, claim ? t("queued", { n: c.position }) : t("mine")),
    c.last_message ? el("span", { class: "meta" }, c.last_message.text) : null));
  const chat = state.current?.kind === "desk" ? state.current : null;
  app.replaceChildren(header, el("main", { class: "desk" },
    el("nav", { class: "queue" }, el("h2", {}, t("waiting")), el("ul", { id: "desk-queue" }, desk.queue.map((c) => entry(c, true))),
       el("h2", {}, t("mine")), el("ul", { id: "desk-mine" }, desk.mine.map((c) => entry(c, false)))),
    el("section", { class: "chat" }, chat ? [
      el("h2", { class: "chat-title" }, el("span", { class: "title" }, chat.name), deskTools(chat)),
      el("ol", { id: "messages", class: "messages" }), composer(),
    ] : el("p", { class: "empty" }, t("pick_case"))),
    chat ? el("aside", { class: "customer" },
      el("h3", {}, t("orders")),
      el("ul", { id: "customer-orders" }, (chat.detail.orders || []).map((o) => el("li", {},
        el("strong", {}, o.id), " ", o.status_label, " ¥", o.total,
        el("div", { class: "meta" }, o.items.map((i) => i.title).join("、"))))),
      el("h3", {}, t("canned")),
      el("div", { class: "canned" }, (state.canned || []).map((r) => el("button", { type: "button", onclick: () => {
        const box = document.getElementById("composer"); box.value = r.text; box.focus(); } }, r.title)))) : null));
  renderMessages();
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
