// People in a conversation: presence, the group's member list and roles, and changes to the group itself.
import { t, errorText } from "../i18n.js";
import { state, hooks, el, api, groupStaff, presenceDot, toast } from "../core.js";
import { userCard } from "../account.js";
import { redrawMessages } from "./list.js";
import { refreshChatHeader } from "./header.js";

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
  for (const label of document.querySelectorAll("[data-presence-label]")) {  // an open person's card says it too
    label.textContent = t(`presence.${state.presence.get(label.dataset.presenceLabel) || "offline"}`);
  }
}

export async function toggleMembers() {
  if (state.members) { state.members = null; return refreshChatHeader(); }
  const data = await api("GET", `/api/groups/${state.current.id}/members?limit=100`);
  state.members = data.members;
  for (const m of data.members) { state.users.set(m.user_id, m.user); state.presence.set(m.user_id, m.presence); }
  subscribePresence(data.members.map((m) => m.user_id));
  refreshChatHeader();
}

export function membersPanel() {
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

export function groupUpdated(group) {
  const mine = state.groups.find((g) => g.id === group.id);
  if (mine) Object.assign(mine, group, { my_role: mine.my_role });
  if (state.current?.kind === "group" && state.current.id === group.id) {
    Object.assign(state.current, group, { my_role: state.current.my_role });
    refreshChatHeader();
  }
}
