// The web client's entry: logging in, the live connection, the page's frame and navigation. The
// screens live in chat.js (conversations), account.js (groups, search, notifications, profile),
// service.js (联系客服), desk.js (the agents' desk) and moderation.js (the moderators' dashboard).
import { t, lang, setLang, errorText, timeLeft } from "./i18n.js";
import { state, hooks, el, api, toast, groupStaff, presenceDot, setGroups, desktopAlert, loadUsers, nameOf, isAgent, isPlatformModerator, groupModerator,
         messagePreview, pictureRefusal, avatar } from "./core.js";
import { openChat, chatPane, mountMessages, upsert, typingEvent, loadingHistory, refreshPresence, setPins, groupUpdated,
         toggleMembers, flushOutbox, loadKept, memberUpdated, withheld } from "./chat.js";
import { loadPrivates, discoverPane, searchPane, notificationsPane, profilePane, loadNotifications, notificationArrived,
         moderationNotice, acceptInvite, createInvite } from "./account.js";
import { openSupport, supportTools, supportUpdated, ratingCard } from "./service.js";
import { deskTools, loadDesk, openDeskCase } from "./desk.js";
import { showModeration, caseEvent } from "./moderation.js";
import { loadSilences, silenceChanged } from "./chat/composer.js";
import { showThreads, threadsPane, threadArrived, threadMessage, threadBadges, backToThreads } from "./threads.js";

const app = document.getElementById("app");

// -- logging in ------------------------------------------------------------------------------------------------

function renderLogin(error, typed = "") {
  const username = el("input", { name: "username", autocomplete: "username", placeholder: t("username"), required: true,
                                 value: typed });
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
      renderLogin(errorText(err), username.value);  // keep what was typed: retyping it on a phone is a chore
      const field = err?.details?.field === "username" || err?.code === "invalid_username" || err?.code === "reserved_name"
        ? "username" : "password";
      document.querySelector(`form.login input[name=${field}]`)?.focus();
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
  (typed ? password : username).focus();
}

function languageButton() {
  return el("button", { type: "button", class: "lang", onclick: () => { setLang(lang === "zh-CN" ? "en" : "zh-CN"); rerender(); } },
            t("language"));
}

async function start() {
  try {
    state.me = (await api("GET", "/api/me")).user;
  } catch {
    state.token = null;
    localStorage.removeItem("token");
    return renderLogin();
  }
  state.users.set(state.me.id, state.me);
  const [groups] = await Promise.all([api("GET", "/api/me/groups"), loadPrivates(), loadNotifications()]);
  setGroups(groups.groups);
  state.moderator = await moderatesAnywhere();
  loadKept();
  connect();
  const reopen = /^#c\/([\w-]{1,64})$/.exec(location.hash);  // read before the first render forgets it
  render();
  if (reopen) await openConversation(reopen[1]);
  const invite = /^\/invite\/([\w-]{1,64})$/.exec(location.pathname);
  if (invite) {
    history.replaceState(null, "", "/");
    await acceptInvite(invite[1]);
  }
}

// -- the live connection -----------------------------------------------------------------------------------------

function connect() {
  if (state.socket) state.socket.disconnect();
  // auth is asked at every (re)connect: a password change hands this page a new token
  const socket = io({ auth: (send) => send({ token: state.token }), transports: ["websocket"] });
  state.socket = socket;
  socket.on("connect", async () => {
    state.sessionEnded = null;
    document.body.classList.remove("offline");
    await flushOutbox();
    await resync();
  });
  socket.on("disconnect", (why) => {
    // a role change closes the connection on purpose and it comes straight back: not "offline"
    if (!(why === "io server disconnect" && state.sessionEnded === "role_changed")) document.body.classList.add("offline");
    // the server closed it (a session that ended, a role that changed): come back at once; a token that
    // no longer holds is refused (connect_error below) and leads to the login
    if (why === "io server disconnect") setTimeout(() => socket.connect(), 200);
  });
  socket.on("connect_error", (err) => { if (err?.message === "unauthorized") logout(); });
  socket.on("session:ended", sessionEnded);
  socket.on("message:new", messageArrived);
  socket.on("user:updated", userUpdated);
  socket.on("message:updated", (m) => {
    // a hidden message I never had (a picture message held or refused by its checks) is nothing to show
    const kept = state.messages.find((x) => x.id === m.id);
    const unseen = withheld(m) && !kept;
    if (m.conversation_id === state.current?.conversation_id && !unseen) upsert(m);
    // my picture message its checks held: the update every reader got hides it from me too, so my own view again (审核中)
    if (withheld(m) && kept?.hidden_reason === "checking") reloadMine(m);
    threadMessage(m);
  });
  socket.on("read:updated", ({ conversation_id, unread }) => {
    const chat = chatOf(conversation_id);
    if (chat) { chat.unread = unread; renderGroups(); }
  });
  socket.on("typing", typingEvent);
  socket.on("presence", ({ user_id, status }) => { state.presence.set(user_id, status); refreshPresence(); });
  socket.on("notification", notificationArrived);
  socket.on("group:updated", (data) => {
    if (data.group) groupUpdated(data.group);
    if (data.member) memberUpdated(data.group_id, data.member);
  });
  socket.on("pins:updated", ({ group_id, pins }) => setPins(group_id, pins));
  socket.on("member:joined", ({ group_id }) => countMembers(group_id, 1));
  socket.on("member:left", ({ group_id, user_id }) => {
    if (user_id !== state.me.id) return countMembers(group_id, -1);
    state.groups = state.groups.filter((g) => g.id !== group_id);
    const here = state.current?.kind === "group" ? state.current.id : state.current?.group?.id;
    if (here === group_id) { state.current = null; toast(t("removed_from_group"), "alert"); }
    render();
  });
  socket.on("thread:new", threadArrived);
  socket.on("thread:updated", (th) => {
    if (state.current?.kind !== "thread" || state.current.id !== th.id) return;
    Object.assign(state.current, { like_count: th.like_count, pinned: th.pinned, closed: th.closed });
    const like = document.getElementById("thread-like");
    if (like) like.textContent = `👍 ${th.like_count}`;
  });
  socket.on("conversation:new", (c) => { if (c.kind === "private") loadPrivates().then(renderGroups); });
  socket.on("support:updated", supportUpdated);
  socket.on("moderation:case", caseEvent);
  socket.on("moderation:notice", noticeArrived);
  socket.on("message:refused", pictureRefused);
}

/** A picture message of mine its checks refused after holding it (only I hear it): why, in words, and the message
 *  as I see it, 未通过审核 (the update all its readers got shows it as a hidden one, without its words). */
function pictureRefused(e) {
  toast(t("picture_refused", { why: pictureRefusal(e.rule, e.matches) }), "alert");
  const kept = state.messages.find((m) => m.id === e.message_id);
  if (kept && e.conversation_id === state.current?.conversation_id) reloadMine(kept);
}

/** One message of the open conversation again, as I may see it (its author sees a held or refused one whole). */
/** Someone changed their name or avatar: what is on screen of them shows it at once (the list's own copies too). */
function userUpdated(user) {
  if (!user?.id || !state.users.has(user.id)) return;
  state.users.set(user.id, user);
  if (user.id === state.me?.id) state.me = { ...state.me, ...user };
  for (const item of document.querySelectorAll(`.message[data-author="${CSS.escape(user.id)}"]`)) {
    const old = item.querySelector(".byline .avatar");
    if (old) old.replaceWith(avatar(user, [...old.classList].includes("small") ? "small" : ""));
    const name = item.querySelector(".byline .author");
    if (name) name.textContent = user.display_name;
  }
}

async function reloadMine({ id, seq, conversation_id }) {
  try {
    const found = await api("GET", `/api/conversations/${conversation_id}/messages?after=${seq - 1}&limit=1`);
    const mine = found.messages.find((m) => m.id === id);
    if (mine && conversation_id === state.current?.conversation_id) upsert(mine);
  } catch { /* it stays as the update showed it */ }
}

/** A moderator's decision about me: said at once, and the composer follows a mute or ban (or its lift). A kick or
 *  a group's ban took the group off my list already (member:left comes first): its name comes with the notice. */
function noticeArrived(notice) {
  silenceChanged(notice.sanction);
  const s = notice.sanction, group = notice.group;
  if (notice.appeal || !s || !group || state.groups.some((g) => g.id === group.id)) return moderationNotice(notice);
  const said = s.lifted_at ? t("lifted_in", { group: group.name, what: t(`act.${s.kind}`) })
    : s.kind === "kick" ? t("kicked_from", { group: group.name })
    : s.kind === "ban" ? `${t("banned_from", { group: group.name })} · ${s.seconds_left ? timeLeft(s.seconds_left) : t("permanent")}`
    : `${t(`act.${s.kind}`)} · ${group.name}`;
  toast(s.lifted_at ? said : `${said} · ${t("reason", { r: s.reason })}`, "alert");
}

// once for the page, whichever connection is current (connect() runs again after each login)
document.addEventListener("visibilitychange", () => {
  if (state.socket?.connected) state.socket.emit("presence:set", { status: document.hidden ? "away" : "online" });
});

const notPrivate = new Set();  // conversations outside groups that turned out not to be private ones (support)
const chatOf = (conversationId) => [...state.groups, ...state.privates].find((g) => g.conversation_id === conversationId);

function countMembers(groupId, delta) {
  const g = state.groups.find((x) => x.id === groupId);
  if (g) g.member_count = (g.member_count || 0) + delta;
}

function messageArrived(m) {
  threadMessage(m);
  if (!m.group_id && m.author_id !== state.me.id) {  // private and support messages alert one by one, like a phone
    loadUsers([m.author_id]).then(() => {
      // at the desk, what the assistant tells the customer (who is serving them, say) is not news to the agent
      if (state.users.get(m.author_id)?.role === "bot" && isAgent()) return;
      desktopAlert(nameOf(m.author_id), messagePreview(m),
                   { tag: m.id, onclick: () => openConversation(m.conversation_id, m.seq) });
    });
  }
  if (m.conversation_id === state.current?.conversation_id) return upsert(m);
  const chat = chatOf(m.conversation_id);
  if (!chat) {  // a reply in a thread that isn't open, someone started a private conversation with me, or support
    if (!m.group_id && !notPrivate.has(m.conversation_id)) {
      loadPrivates().then(() => {
        if (!chatOf(m.conversation_id)) notPrivate.add(m.conversation_id);  // support: don't ask again per message
        renderGroups();
      });
    }
    return;
  }
  if (m.author_id !== state.me.id) { chat.unread = (chat.unread || 0) + 1; renderGroups(); }
}

async function resync() {
  // what was missed while offline: the open conversation after its last seq, and every badge
  const groups = (await api("GET", "/api/me/groups")).groups;
  for (const g of groups) Object.assign(state.groups.find((x) => x.id === g.id) || {}, { unread: g.unread });
  await loadPrivates();
  renderGroups();
  const chat = state.current;
  if (chat && chat.kind !== "support" && chat.kind !== "desk") loadSilences();  // a mute issued while I was away
  if (!chat || state.hasNewer || !state.messages.length || loadingHistory()) return;  // opening fetches it all anyway
  // from the end of the unbroken run of seqs we hold, not from the newest: what the outbox just sent can sit
  // above a gap of messages others wrote while we were away
  let last = state.messages[0].seq;
  for (const m of state.messages) { if (m.seq > last + 1) break; last = m.seq; }
  for (let round = 0; round < 10; round++) {
    const ack = await state.socket.emitWithAck("sync", { cursors: { [chat.conversation_id]: last } });
    const got = ack.conversations?.[chat.conversation_id];
    if (!got?.messages?.length || chat !== state.current) break;
    for (const m of got.messages) await upsert(m);
    last = got.messages.at(-1).seq;
    if (!got.has_more) break;
  }
}

// -- the frame -----------------------------------------------------------------------------------------------------

function header() {
  const q = el("input", { type: "search", name: "q", id: "search", placeholder: t("search_placeholder"), "aria-label": t("search") });
  return el("header", {},
    el("strong", { class: "brand" }, t("app")),
    el("form", { class: "search", role: "search", onsubmit: async (e) => {
      e.preventDefault();
      if (!q.value.trim()) return;
      await showPane("search", () => searchPane(q.value.trim()));
    } }, q),
    el("button", { type: "button", id: "bell", "aria-label": t("notifications"), onclick: async () => {
      await loadNotifications();
      await showPane("notifications", notificationsPane);
    } }, "🔔", el("span", { class: "badge", id: "bell-count", hidden: !state.notes.unread }, state.notes.unread)),
    isAgent() ? el("button", { type: "button", id: "switch-desk", onclick: () => {
      if (state.view === "desk") return backToChat();
      state.view = "desk"; state.current = null; loadDesk();
    } }, state.view === "desk" ? t("chat") : t("desk")) : null,
    state.moderator ? el("button", { type: "button", id: "switch-view", onclick: () => {
      if (state.view === "mod") return backToChat();
      state.current = null; showModeration("queue");
    } }, state.view === "mod" ? t("chat") : t("moderation")) : null,
    el("button", { type: "button", class: "me", id: "open-profile", onclick: () => showPane("profile", profilePane) }, state.me.display_name),
    languageButton(),
    el("button", { type: "button", id: "logout", onclick: logout }, t("logout")));
}

function renderBell() {
  const count = document.getElementById("bell-count");
  if (count) { count.textContent = state.notes.unread; count.hidden = !state.notes.unread; }
  document.title = state.notes.unread ? `(${state.notes.unread}) ${t("app")}` : t("app");
}

function shell(main) {
  app.replaceChildren(el("div", { class: "banner-offline", role: "status" }, t("offline")), header(), main);
  renderBell();
}

async function showPane(view, build) {
  state.pane = await build();
  state.view = view;
  state.current = null;
  state.threadsOf = null;
  render();
}

function backToChat() {
  state.view = "chat";
  state.current = null;
  render();
}

/** The open conversation is kept in the address (#c/<id>), so a reload or a shared link opens it again. */
function rememberOpen() {
  const id = state.view === "chat" && !state.threadsOf ? state.current?.conversation_id : null;
  const wanted = id ? `#c/${id}` : "";
  if (location.hash !== wanted) history.replaceState(null, "", location.pathname + location.search + wanted);
}

function render() {
  if (!state.me) return renderLogin();
  rememberOpen();
  if (state.view === "mod") return showModeration();
  if (state.view === "desk") return loadDesk();
  const chatting = state.view !== "chat" || state.current || state.threadsOf;
  const section = state.view !== "chat" ? state.pane
    : state.threadsOf ? threadsPane(state.threadsOf)
    : state.current ? chatPane(state.current) : el("p", { class: "empty" }, t("pick_group"));
  shell(el("main", { class: chatting ? "chatting" : "" },
    el("nav", { class: "groups", "aria-label": t("my_groups") },
      el("button", { type: "button", id: "contact-support", class: state.current?.kind === "support" ? "group active" : "group",
                     onclick: () => openSupport() }, t("contact_support")),
      el("button", { type: "button", id: "discover", class: "group", onclick: () => showPane("discover", discoverPane) }, `＋ ${t("discover")}`),
      el("h2", {}, t("my_groups")), el("ul", { id: "group-list" }),
      el("h2", {}, t("private")), el("ul", { id: "private-list" })),
    el("section", { class: "chat" }, section)));
  renderGroups();
  if (state.view === "chat" && state.current && !state.threadsOf) mountMessages();
}

/** After a language switch: the same screen again, in the other language. */
function rerender() {
  if (state.view === "search" || state.view === "profile" || state.view === "notifications" || state.view === "discover") {
    const build = { search: () => searchPane(document.getElementById("search")?.value || ""), profile: profilePane,
                    notifications: notificationsPane, discover: discoverPane }[state.view];
    return showPane(state.view, build);
  }
  render();
}

function renderGroups() {
  const item = (g) => el("li", {},
    el("button", { type: "button", class: state.current?.id === g.id ? "group active" : "group", "data-group": g.id,
                   onclick: () => openChat(g) },
       g.kind === "private" && g.other_id ? presenceDot(g.other_id) : null,
       el("span", { class: "name" }, g.name),
       g.unread ? el("span", { class: "badge", "aria-label": t("unread") }, g.unread > 99 ? "99+" : g.unread) : null));
  document.getElementById("group-list")?.replaceChildren(...state.groups.map(item));
  document.getElementById("private-list")?.replaceChildren(...state.privates.map(item));
}

function back() {
  if (state.current?.kind === "thread") return backToThreads(state.current.group);
  if (state.view === "desk") { state.current = null; return loadDesk(); }
  backToChat();
}

async function openConversation(conversationId, seq) {
  const chat = chatOf(conversationId);
  if (chat) return openChat(chat, { seq });
  try {
    const thread = (await api("GET", `/api/threads/${conversationId}`)).thread;
    const group = state.groups.find((g) => g.id === thread.group_id);
    if (group) return openChat({ ...thread, name: thread.title, kind: "thread", group }, { seq });
  } catch { /* not a thread */ }
  try {  // a support conversation: mine as a customer, or one I serve at the desk (a read, unlike POST /api/support)
    await api("GET", `/api/support/cases/${conversationId}`);
    if (!isAgent()) return openSupport({ seq });
    state.view = "desk";
    return openDeskCase({ conversation_id: conversationId }, false);
  } catch { /* not support either */ }
  toast(t("conversation_gone"), "alert");
}

// -- tools in a conversation's title --------------------------------------------------------------------------------

function chatTools(chat) {
  if (chat.kind === "support") return supportTools(chat);
  if (chat.kind === "desk") return deskTools(chat);
  if (chat.kind === "thread") {
    const like = el("button", { type: "button", class: chat.liked ? "like on" : "like", id: "thread-like", onclick: async () => {
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
    const staffTools = groupStaff(chat.group) ? ["pinned", "closed"].map((field) => el("button", { type: "button", id: `thread-${field}`,
      onclick: async () => {
        const data = await api("PATCH", `/api/threads/${chat.id}`, { [field]: !chat[field] });
        Object.assign(chat, { pinned: data.thread.pinned, closed: data.thread.closed });
        toast(t(`thread.${field}.${chat[field]}`));
      } }, t(`thread.${field}`))) : [];
    return el("span", { class: "tools" }, threadBadges(chat, { product: true }), chat.closed ? el("span", { class: "state" }, t("closed")) : null, like, follow,
              staffTools);
  }
  if (chat.kind === "private") return null;
  return el("span", { class: "tools" },
    el("button", { type: "button", id: "open-threads", onclick: () => showThreads(chat) }, t("threads")),
    el("button", { type: "button", id: "open-members", onclick: toggleMembers }, t("members")),
    chat.visibility === "public" || groupModerator(chat)
      ? el("button", { type: "button", id: "invite", onclick: (e) => createInvite(chat, e.currentTarget) }, t("invite")) : null,
    chat.my_role !== "owner" ? el("button", { type: "button", id: "leave", onclick: async (e) => {
      if (!e.currentTarget.classList.contains("confirm")) {
        e.currentTarget.classList.add("confirm");
        e.currentTarget.textContent = t("confirm_leave");
        return;
      }
      try { await api("POST", `/api/groups/${chat.id}/leave`); } catch (err) { toast(errorText(err), "alert"); }
    } }, t("leave")) : null);
}

// topic threads (话题), their 晒单 / 种草 and the 晒单墙: threads.js

/** The server is closing this connection: say why; a role change reloads who I am and what I may open. */
async function sessionEnded({ reason }) {
  state.sessionEnded = reason;
  if (reason !== "role_changed") return toast(t(`session_ended.${reason}`), "alert");
  try {
    state.me = (await api("GET", "/api/me")).user;
    state.moderator = await moderatesAnywhere();
    toast(t("session_ended.role_changed"));
    if ((state.view === "desk" && !isAgent()) || (state.view === "mod" && !state.moderator)) return backToChat();
    render();
  } catch { /* the reconnect decides */ }
}

function logout() {
  api("POST", "/api/auth/logout").catch(() => {});
  localStorage.removeItem("token");
  if (state.me) localStorage.removeItem(`drafts:${state.me.id}`);  // a shared computer keeps nothing half-written of mine
  state.socket?.disconnect();
  Object.assign(state, { token: null, me: null, current: null, messages: [], view: "chat", threadsOf: null, drafts: {} });
  renderLogin();
}

/** Whether the moderation dashboard is mine: the case queue answers only those who moderate somewhere. It is asked
 * only of someone whose platform role or a group role moderates (anyone else got a 403 on every page load), or
 * when a group role has just changed (`ask`). */
const moderatesAnywhere = (ask = false) =>
  ask || isPlatformModerator() || state.groups.some(groupModerator)
    ? api("GET", "/api/moderation/cases?limit=1").then(() => true, () => false)
    : Promise.resolve(false);

/** My role in a group changed: say so, and the moderation dashboard's button follows whether I moderate anywhere. */
async function roleChanged(groupId, role) {
  const group = state.groups.find((g) => g.id === groupId);
  toast(t("my_role_now", { group: group?.name || "", role: t(`role.${role}`) }));
  const moderator = await moderatesAnywhere(true);
  if (moderator === state.moderator) return;
  state.moderator = moderator;
  app.querySelector("header")?.replaceWith(header());
  renderBell();
}

Object.assign(hooks, { logout, render, renderGroups, renderBell, openConversation, openChat, back, chatTools, ratingCard, shell,
                       roleChanged });
setLang(lang);
if (state.token) start(); else renderLogin();
