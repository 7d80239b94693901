// Around the conversations: discovering and joining groups, search, notifications, people's cards,
// reports, my profile and the decisions moderators took about me (with the appeal).
import { t, errorText, timeLeft } from "./i18n.js";
import { state, hooks, el, api, loadUsers, nameOf, avatar, highlighted, timeLabel, presenceDot, toast, setGroups, desktopAlert, latestInto } from "./core.js";

export const CATEGORIES = ["spam", "diversion", "scam", "gambling", "porn", "abuse", "counterfeit", "harassment", "other"];

// -- reports ------------------------------------------------------------------------------------------------

/** Report a message ({message}) or a person ({user}, optionally in a group). */
export function reportForm({ message, user, groupId, onDone }) {
  const category = el("select", { name: "category", "aria-label": t("category") },
                      CATEGORIES.map((c) => el("option", { value: c }, t(`cat.${c}`))));
  const note = el("input", { name: "note", maxlength: 500, placeholder: t("note") });
  const status = el("span", { class: "status", role: "status" });
  const form = el("form", { class: "report-form", onsubmit: async (e) => {
    e.preventDefault();
    try {
      const body = { category: category.value, note: note.value.trim() };
      if (message) await api("POST", `/api/messages/${message.id}/report`, body);
      else await api("POST", `/api/users/${user}/report`, { ...body, ...(groupId ? { group_id: groupId } : {}) });
      form.replaceChildren(el("span", { class: "status" }, t("report_sent")));
      onDone?.();
    } catch (err) { status.textContent = errorText(err); }
  } }, category, note, el("button", { type: "submit" }, t("report")),
     el("button", { type: "button", onclick: () => form.remove() }, t("cancel")), status);
  return form;
}

// -- a person's card ------------------------------------------------------------------------------------------

export async function userCard(userId, anchor) {
  document.getElementById("user-card")?.remove();
  const data = await api("GET", `/api/users/${userId}`);
  state.users.set(userId, data.user);
  state.presence.set(userId, data.presence);
  const u = data.user;
  const group = state.current?.kind === "group" ? state.current : state.current?.group;
  const blocked = (await api("GET", "/api/blocks")).user_ids.includes(userId);
  const card = el("div", { class: "user-card", id: "user-card", role: "dialog", "aria-label": u.display_name },
    el("button", { type: "button", class: "close", "aria-label": t("close"), onclick: () => card.remove() }, "×"),
    el("div", { class: "who" }, avatar(u, "large"), el("div", {},
      el("strong", {}, u.display_name), el("div", { class: "meta" }, `@${u.username}`),
      el("div", { class: "meta" }, presenceDot(userId),
        el("span", { "data-presence-label": userId }, t(`presence.${data.presence}`))))),
    u.bio ? el("p", { class: "bio" }, u.bio) : null,
    userId === state.me.id ? null : el("div", { class: "card-actions" },
      u.role === "bot" ? null : el("button", { type: "button", class: "dm", onclick: () => { card.remove(); startPrivate(userId); } },
                                   t("message_them")),
      el("button", { type: "button", class: "report-user", onclick: (e) => e.currentTarget.replaceWith(
        reportForm({ user: userId, groupId: group?.id })) }, t("report_user")),
      el("button", { type: "button", class: "block", onclick: async (e) => {
        const button = e.currentTarget;  // gone from the event once it has been dispatched
        await api(blocked ? "DELETE" : "POST", `/api/users/${userId}/block`);
        button.textContent = blocked ? t("unblocked_now") : t("blocked_now");
        button.disabled = true;
      } }, blocked ? t("unblock") : t("block"))));
  (anchor?.closest(".message, li, section") || document.body).append(card);
}

export async function loadPrivates() {
  const convs = (await api("GET", "/api/conversations")).conversations;
  state.privates = convs.map((c) => ({ id: c.id, conversation_id: c.id, kind: "private", unread: c.unread,
                                       other_id: c.other?.id, name: c.other ? c.other.display_name : "…" }));
  for (const c of convs) if (c.other) state.users.set(c.other.id, c.other);
}

export async function startPrivate(userId) {
  try {
    const conv = (await api("POST", "/api/conversations/private", { user_id: userId })).conversation;
    await loadPrivates();
    await hooks.openChat(state.privates.find((c) => c.id === conv.id));
  } catch (err) { toast(errorText(err), "alert"); }
}

// -- discovering and joining groups ----------------------------------------------------------------------------

export function discoverPane() {
  const q = el("input", { type: "search", name: "q", placeholder: t("discover_search"), "aria-label": t("discover_search") });
  const results = el("ul", { class: "discover-list", id: "discover-list" });
  const load = latestInto(results, () => api("GET", `/api/groups?q=${encodeURIComponent(q.value.trim())}&limit=30`), ({ groups }) =>
    results.replaceChildren(...(groups.length ? groups.map(groupEntry) : [el("li", { class: "empty" }, t("nothing_found"))])));
  const name = el("input", { name: "name", maxlength: 64, placeholder: t("group_name"), required: true });
  const description = el("input", { name: "description", maxlength: 500, placeholder: t("group_description") });
  const visibility = el("select", { name: "visibility", "aria-label": t("visibility") },
    ["public", "invite_only", "private"].map((v) => el("option", { value: v }, t(`visibility.${v}`))));
  const error = el("p", { class: "error", role: "alert" });
  load();
  return [
    el("h2", { class: "chat-title" }, el("button", { type: "button", class: "back", onclick: hooks.back }, "‹"), t("discover")),
    el("div", { class: "pane" },
      el("form", { class: "search-form", onsubmit: (e) => { e.preventDefault(); load(); } }, q, el("button", { type: "submit" }, t("search"))),
      results,
      el("h3", {}, t("create_group")),
      el("form", { class: "create-group", onsubmit: async (e) => {
        e.preventDefault();
        try {
          const group = (await api("POST", "/api/groups", { name: name.value.trim(), description: description.value.trim(),
                                                            visibility: visibility.value })).group;
          await joined(group.id);
        } catch (err) { error.textContent = errorText(err); }
      } }, name, description, visibility, el("button", { type: "submit" }, t("create")), error)),
  ];
}

function groupEntry(g) {
  const member = state.groups.some((x) => x.id === g.id);
  const status = el("span", { class: "status" });
  return el("li", { class: "discover-item", "data-group": g.id },
    el("div", {}, el("strong", {}, g.name), el("span", { class: "meta" }, ` · ${g.member_count} ${t("members")}`),
       g.description ? el("p", { class: "meta" }, g.description) : null),
    member ? el("button", { type: "button", onclick: () => hooks.openChat(state.groups.find((x) => x.id === g.id)) }, t("open"))
      : g.visibility === "public" ? el("button", { type: "button", class: "join", onclick: async () => {
        try { await api("POST", `/api/groups/${g.id}/join`); await joined(g.id); } catch (err) { status.textContent = errorText(err); }
      } }, t("join")) : el("span", { class: "meta" }, t("invite_only")),
    status);
}

async function joined(groupId) {
  setGroups((await api("GET", "/api/me/groups")).groups);
  await hooks.openChat(state.groups.find((g) => g.id === groupId));
}

export async function acceptInvite(code) {
  try {
    const data = await api("POST", `/api/invites/${encodeURIComponent(code)}/accept`);
    await joined(data.group.id);
  } catch (err) {
    if (err.code === "already_member") return;
    toast(errorText(err), "alert");
  }
}

export async function createInvite(group, anchor) {
  try {
    // the server's defaults: a week, and a limited number of people (docs/api.md)
    const invite = (await api("POST", `/api/groups/${group.id}/invites`, {})).invite;
    const url = new URL(invite.url, location.origin).href;
    anchor.replaceWith(el("span", { class: "invite-box" },
      el("input", { class: "invite-url", readonly: true, value: url, "aria-label": t("invite"),
                    onfocus: (e) => e.currentTarget.select() }),
      el("span", { class: "meta invite-terms" },
         t("invite_terms", { expires: timeLabel(invite.expires_at), uses: invite.max_uses }))));
  } catch (err) { toast(errorText(err), "alert"); }
}

// -- search ----------------------------------------------------------------------------------------------------

export async function searchPane(query) {
  const data = await api("GET", `/api/search?q=${encodeURIComponent(query)}&limit=30`);
  await loadUsers(data.messages.map((h) => h.message.author_id));
  const where = (conversationId, groupId) => state.groups.find((g) => g.conversation_id === conversationId)?.name
    || state.privates.find((c) => c.conversation_id === conversationId)?.name
    || state.groups.find((g) => g.id === groupId)?.name || "";
  return [
    el("h2", { class: "chat-title" }, el("button", { type: "button", class: "back", onclick: hooks.back }, "‹"),
       t("search_results", { q: query })),
    el("div", { class: "pane" },
      data.threads.length ? el("h3", {}, t("threads")) : null,
      el("ul", { class: "results" }, data.threads.map((h) => el("li", {}, el("button", { type: "button", class: "hit",
        onclick: () => hooks.openConversation(h.thread.conversation_id) },
        el("strong", {}, highlighted(h.snippet)), el("span", { class: "meta" }, where(null, h.thread.group_id)))))),
      el("h3", {}, t("messages")),
      el("ul", { class: "results", id: "search-results" }, data.messages.length ? data.messages.map((h) => el("li", {},
        el("button", { type: "button", class: "hit", onclick: () => hooks.openConversation(h.message.conversation_id, h.message.seq) },
          el("span", { class: "meta" }, `${nameOf(h.message.author_id)} · ${where(h.message.conversation_id, h.message.group_id)} · ${timeLabel(h.message.created_at)}`),
          el("span", { class: "snippet" }, highlighted(h.snippet)))))
        : el("li", { class: "empty" }, t("nothing_found")))),
  ];
}

// -- notifications ---------------------------------------------------------------------------------------------

export async function loadNotifications() {
  const data = await api("GET", "/api/notifications?limit=50");
  state.notes = { unread: data.unread, list: data.notifications };
  await loadUsers(data.notifications.map((n) => n.actor_id));
}

export function notificationArrived(note) {
  if (note.actor_id === state.me.id) return;
  if (note.kind !== "mention_all") state.notes.unread += 1;
  state.notes.list.unshift(note);
  loadUsers([note.actor_id]).then(() => {
    hooks.renderBell();
    if (state.current?.conversation_id !== note.conversation_id || document.hidden) {
      toast(`${nameOf(note.actor_id)} ${t(`note.${note.kind}`)}：${(note.message?.text || "").slice(0, 40)}`);
    }
    desktopAlert(`${nameOf(note.actor_id)} ${t(`note.${note.kind}`)}`, note.message?.text || "",
                 { tag: note.message?.id || note.id, onclick: () => hooks.openConversation(note.conversation_id, note.message?.seq) });
  });
}

export function notificationsPane() {
  return [
    el("h2", { class: "chat-title" }, el("button", { type: "button", class: "back", onclick: hooks.back }, "‹"), t("notifications"),
       el("span", { class: "tools" }, el("button", { type: "button", id: "read-all", onclick: async () => {
         await api("POST", "/api/notifications/read", {});
         state.notes.unread = 0;
         for (const n of state.notes.list) n.read = true;
         state.pane = notificationsPane();  // the list drawn again, without its unread marks
         hooks.render();
       } }, t("read_all")))),
    el("ul", { class: "results pane", id: "notification-list" }, state.notes.list.length ? state.notes.list.map((n) => el("li", {},
      el("button", { type: "button", class: n.read === false ? "hit unread" : "hit", onclick: async () => {
        if (n.id && !n.read) {
          await api("POST", "/api/notifications/read", { ids: [n.id] });
          n.read = true;
          state.notes.unread = Math.max(0, state.notes.unread - 1);
        }
        await hooks.openConversation(n.conversation_id, n.message?.seq);
      } },
        el("span", { class: "meta" }, `${nameOf(n.actor_id)} ${t(`note.${n.kind}`)} · ${timeLabel(n.created_at)}`),
        el("span", { class: "snippet" }, n.message?.text || t("deleted")))))
      : el("li", { class: "empty" }, t("no_notifications"))),
  ];
}

// -- my profile, my sanctions and appeals ----------------------------------------------------------------------

const AVATAR_COLORS = ["#ff5000", "#f54a45", "#eb2f96", "#7b61ff", "#3370ff", "#14a9c2", "#34a853", "#ffb400", "#646a73"];

export async function profilePane() {
  const me = state.me;
  const sanctions = (await api("GET", "/api/me/sanctions")).sanctions;
  const name = el("input", { name: "display_name", maxlength: 64, value: me.display_name, required: true });
  const bio = el("textarea", { name: "bio", maxlength: 280, rows: 3 }, me.bio || "");
  const color = el("input", { name: "avatar_color", id: "avatar-color", type: "color", value: me.avatar?.color || "#ff5000",
                              oninput: () => showColor() });
  // ready-made colours beside the system picker: one tap on a phone, where the picker is a whole dialog
  const swatches = el("div", { class: "swatches", role: "group", "aria-label": t("avatar_color_presets") },
    AVATAR_COLORS.map((c) => {
      const swatch = el("button", { type: "button", class: "swatch", "data-color": c, "aria-label": c, title: c,
                                    onclick: () => { color.value = c; showColor(); } });
      swatch.style.background = c;  // through the CSSOM (style-src 'self')
      return swatch;
    }));
  const showColor = () => {  // the chosen swatch pressed, and the avatar above shows the colour before saving
    for (const s of swatches.children) s.setAttribute("aria-pressed", String(s.dataset.color === color.value.toLowerCase()));
    const preview = document.querySelector("#profile-avatar .avatar");
    if (preview) preview.style.background = color.value;
  };
  showColor();
  const status = el("p", { class: "status", role: "status" });
  const setPicture = async (uploadId) => {
    state.me = (await api("PATCH", "/api/me", { avatar_upload_id: uploadId })).user;
    state.users.set(state.me.id, state.me);
    document.getElementById("profile-avatar")?.replaceChildren(avatar(state.me, "large"));
    removeButton.hidden = !state.me.avatar?.url;
    status.textContent = t("saved");
  };
  const picture = el("input", { type: "file", accept: "image/*", id: "avatar-file", class: "visually-hidden",
                                onchange: async (e) => {
    const file = e.currentTarget.files?.[0];
    e.currentTarget.value = "";
    if (!file) return;
    status.textContent = t("avatar_checking");
    try {
      const form = new FormData();
      form.append("file", file, file.name || "avatar");
      const resp = await fetch("/api/uploads", { method: "POST", body: form,
                                                 headers: state.token ? { Authorization: `Bearer ${state.token}` } : {} });
      const data = await resp.json().catch(() => ({}));
      if (!resp.ok) throw Object.assign(new Error(data.error?.message || "upload"), { code: data.error?.code, details: data.error?.details, status: resp.status });
      await setPicture(data.upload.id);
    } catch (err) { status.textContent = errorText(err); }
  } });
  const removeButton = el("button", { type: "button", id: "avatar-remove", hidden: !me.avatar?.url, onclick: async () => {
    try { await setPicture(""); } catch (err) { status.textContent = errorText(err); }
  } }, t("avatar_remove"));
  return [
    el("h2", { class: "chat-title" }, el("button", { type: "button", class: "back", onclick: hooks.back }, "‹"), t("profile")),
    el("div", { class: "pane" },
      el("form", { class: "profile-form", onsubmit: async (e) => {
        e.preventDefault();
        try {
          state.me = (await api("PATCH", "/api/me", { display_name: name.value.trim(), bio: bio.value.trim(), avatar_color: color.value })).user;
          state.users.set(state.me.id, state.me);
          status.textContent = t("saved");
          document.querySelector("header .me")?.replaceChildren(state.me.display_name);
        } catch (err) { status.textContent = errorText(err); }
      } }, el("div", { class: "avatar-picture" }, el("span", { id: "profile-avatar" }, avatar(me, "large")),
          el("label", { class: "button", for: "avatar-file" }, t("avatar_upload")), picture, removeButton),
        el("span", { class: "meta" }, `@${me.username}`),
        el("label", {}, t("display_name"), name), el("label", {}, t("bio"), bio), el("div", { class: "color-field" }, el("label", { class: "inline", for: "avatar-color" }, t("avatar_color")), color, swatches),
        el("button", { type: "submit" }, t("save")), status),
      desktopAlertsSetting(),
      accountSecurity(),
      el("h3", {}, t("my_sanctions")),
      el("ul", { class: "sanctions", id: "my-sanctions" }, sanctions.length ? sanctions.map(sanctionEntry)
        : el("li", { class: "empty" }, t("no_sanctions")))),
  ];
}

/** A new password (every other device is logged out; this one gets a new token) and "log out everywhere". */
function accountSecurity() {
  const current = el("input", { name: "current_password", type: "password", autocomplete: "current-password", required: true, maxlength: 128 });
  const next = el("input", { name: "new_password", type: "password", autocomplete: "new-password", required: true, minlength: 8, maxlength: 128 });
  const status = el("p", { class: "status", role: "status" });
  const form = el("form", { class: "password-form", onsubmit: async (e) => {
    e.preventDefault();
    try {
      const { token } = await api("POST", "/api/auth/password", { current_password: current.value, new_password: next.value });
      state.token = token;
      localStorage.setItem("token", token);
      form.reset();
      status.textContent = t("password_changed");
    } catch (err) { status.textContent = errorText(err); }
  } }, el("label", {}, t("current_password"), current), el("label", {}, t("new_password"), next),
    el("button", { type: "submit" }, t("change_password")), status);
  const everywhere = el("button", { type: "button", id: "logout-all", onclick: async () => {
    if (!confirm(t("confirm_logout_all"))) return;
    await api("POST", "/api/auth/logout-all").catch(() => {});
    hooks.logout();
  } }, t("logout_all"));
  return el("div", { class: "account-security" }, el("h3", {}, t("account_security")), form, everywhere);
}

/** Whether the browser may show system notifications while the page is in the background. */
function desktopAlertsSetting() {
  const supported = "Notification" in window;
  const label = el("span", { class: "meta", id: "desktop-alerts-state" });
  const enable = el("button", { type: "button", id: "desktop-alerts", onclick: async () => {
    await Notification.requestPermission();
    show();
  } }, t("desktop_alerts_enable"));
  const show = () => {
    const permission = supported ? Notification.permission : "unsupported";
    label.textContent = t(`desktop_alerts.${permission}`);
    enable.hidden = permission !== "default";
  };
  show();
  return el("div", { class: "desktop-alerts" }, el("h3", {}, t("desktop_alerts")), label, " ", enable);
}

/** What was decided, where, and for how long. A group's decision names its group, from the sanction's own `group`
 *  (GET /api/me/sanctions) or the notice's, else my list; 某个社群 only when the group no longer exists. */
export function sanctionLabel(s, group = s.group) {
  const kind = t(`act.${s.kind}`);
  const where = s.scope === "platform" ? t("platform")
    : group?.name || state.groups.find((g) => g.id === s.scope)?.name || t("a_group");
  const left = s.in_force && s.seconds_left ? ` · ${timeLeft(s.seconds_left)}` : s.permanent && s.in_force ? ` · ${t("permanent")}` : "";
  return `${kind} · ${where}${left}`;
}

function sanctionEntry(s) {
  const text = el("textarea", { name: "appeal", maxlength: 1000, rows: 2, placeholder: t("appeal_text") });
  const status = el("span", { class: "status", role: "status" });
  return el("li", { class: s.in_force ? "sanction in-force" : "sanction", "data-sanction": s.id },
    el("strong", {}, sanctionLabel(s)), el("span", { class: "meta" }, ` · ${timeLabel(s.created_at)}`),
    el("p", {}, t("reason", { r: s.reason })),
    s.appeal ? el("p", { class: "meta appeal-state" }, t(`appeal.${s.appeal.state}`),
                  s.appeal.decision_reason ? ` · ${s.appeal.decision_reason}` : "")
      : el("form", { class: "appeal-form", onsubmit: async (e) => {
        e.preventDefault();
        const form = e.currentTarget;
        try {
          await api("POST", `/api/me/sanctions/${s.id}/appeal`, { text: text.value.trim() });
          form.replaceWith(el("p", { class: "meta appeal-state" }, t("appeal.open")));
        } catch (err) { status.textContent = errorText(err); }
      } }, text, el("button", { type: "submit" }, t("appeal")), status));
}

/** A moderator acted on me, lifted it, or decided my appeal: say so at once. */
export function moderationNotice({ sanction, appeal, group }) {
  if (appeal) return toast(`${t(`appeal.${appeal.state}`)} · ${appeal.decision_reason || ""}`, "alert");
  if (!sanction) return;
  const text = sanction.lifted_at ? `${t("lifted")} · ${sanctionLabel(sanction, group)}`
    : `${sanctionLabel(sanction, group)} · ${t("reason", { r: sanction.reason })}`;
  toast(text, "alert");
}
