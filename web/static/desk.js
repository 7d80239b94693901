// The agents' desk: queue, claim, the conversation beside the customer's orders, canned replies, transfer,
// resolve.
import { t, errorText } from "./i18n.js";
import { state, hooks, el, api, loadUsers, presenceDot, toast } from "./core.js";
import { chatPane, mountMessages, refreshChatHeader, keepDraft } from "./chat.js";

// -- the desk ------------------------------------------------------------------------------------------------

/** Fetches the queues and the open case again. The page is rebuilt only when the open case changed;
 *  otherwise only the lists and the case's tools are redrawn, so a reply being typed is kept. */
export async function loadDesk({ rebuild = true } = {}) {
  const [queue, mine] = await Promise.all([api("GET", "/api/support/queue"), api("GET", "/api/support/mine")]);
  state.desk = { queue: queue.queue, mine: mine.cases };
  if (!state.canned) state.canned = (await api("GET", "/api/support/canned")).replies;
  const open = state.current?.kind === "desk" ? state.current : null;
  const before = open?.detail?.state;
  if (open) {
    try {
      open.detail = (await api("GET", `/api/support/cases/${open.conversation_id}`)).support;
    } catch { state.current = null; }
    if (open.detail?.agent_id && open.detail.agent_id !== state.me.id && state.me.role !== "admin") state.current = null;
  }
  if (rebuild || !document.getElementById("desk-queue") || state.current !== open) return renderDesk();
  document.getElementById("desk-queue").replaceChildren(...desk().queue);
  document.getElementById("desk-mine").replaceChildren(...desk().mine);
  document.querySelector("main.desk nav h2").replaceChildren(t("waiting"), ` (${state.desk.queue.length})`);
  if (open && open.detail.state !== before) refreshChatHeader();
}

export async function openDeskCase(c, claim) {
  try {
    if (claim) await api("POST", `/api/support/cases/${c.conversation_id}/claim`);
  } catch (err) { toast(errorText(err), "alert"); return loadDesk(); }
  const detail = (await api("GET", `/api/support/cases/${c.conversation_id}`)).support;
  state.current = { id: c.conversation_id, conversation_id: c.conversation_id, kind: "desk", detail,
                    name: detail.customer?.display_name || "" };
  state.messages = detail.transcript;
  state.hasOlder = detail.transcript.length > 0 && detail.transcript[0].seq > 1;
  state.hasNewer = false;
  await loadUsers(state.messages.map((m) => m.author_id));
  await loadDesk();
}

export function deskTools(chat) {
  if (chat.detail?.state !== "assigned") return el("span", { class: "tools" }, el("span", { class: "state" }, chat.detail?.state || ""));
  const status = el("span", { class: "error", role: "alert" });
  return el("span", { class: "tools" },
    el("button", { type: "button", id: "transfer", onclick: async (e) => {
      const button = e.currentTarget;
      const agents = (await api("GET", "/api/support/agents")).agents.filter((a) => a.user.id !== state.me.id);
      const pick = el("select", { name: "agent", "aria-label": t("transfer_to") }, agents.map((a) =>
        el("option", { value: a.user.id }, `${a.user.display_name} · ${t(`presence.${a.presence}`)} · ${t("serving", { n: a.serving })}`)));
      button.replaceWith(el("form", { class: "transfer-form", onsubmit: async (ev) => {
        ev.preventDefault();
        try {
          await api("POST", `/api/support/cases/${chat.conversation_id}/transfer`, { agent_id: pick.value });
          toast(t("transferred"));
          state.current = null;
          await loadDesk();
        } catch (err) { status.textContent = errorText(err); }
      } }, pick, el("button", { type: "submit" }, t("transfer")), status));
    } }, t("transfer")),
    el("button", { type: "button", id: "resolve", onclick: async () => {
      await api("POST", `/api/support/cases/${chat.conversation_id}/resolve`);
      await loadDesk();
    } }, t("resolve")));
}

function desk() {
  const lists = state.desk || { queue: [], mine: [] };
  const entry = (c, claim) => el("li", {}, el("button", { type: "button", class: "case", "data-case": c.conversation_id,
      onclick: () => openDeskCase(c, claim) },
    el("strong", {}, c.customer?.display_name || c.customer_id),
    el("span", { class: "meta" }, claim ? `${t("queued", { n: c.position })} · ${Math.round((c.waiting_seconds || 0) / 60)} min` : t("mine")),
    c.handoff_reason ? el("span", { class: "meta" }, t(`handoff.${c.handoff_reason}`)) : null,
    c.last_message ? el("span", { class: "meta" }, c.last_message.text) : null));
  return { queue: lists.queue.map((c) => entry(c, true)), mine: lists.mine.map((c) => entry(c, false)) };
}

export function renderDesk() {
  if (state.view !== "desk") return;
  const lists = desk();
  const chat = state.current?.kind === "desk" ? state.current : null;
  hooks.shell(el("main", { class: "desk" },
    el("nav", { class: "queue" }, el("h2", {}, t("waiting"), ` (${lists.queue.length})`),
       el("ul", { id: "desk-queue" }, lists.queue),
       el("h2", {}, t("mine")), el("ul", { id: "desk-mine" }, lists.mine)),
    el("section", { class: "chat" }, chat ? chatPane(chat) : el("p", { class: "empty" }, t("pick_case"))),
    chat ? el("aside", { class: "customer" },
      el("h3", {}, presenceDot(chat.detail.customer?.id), chat.name),
      el("h3", {}, t("orders")),
      el("ul", { id: "customer-orders" }, (chat.detail.orders || []).map((o) => el("li", {},
        el("strong", {}, o.id), " ", o.status_label, " ¥", o.total,
        el("div", { class: "meta" }, o.items.map((i) => i.title).join("、")),
        o.tracking_no ? el("div", { class: "meta" }, `${o.carrier || ""} ${o.tracking_no}`) : null))),
      el("h3", {}, t("canned"), " ", el("button", { type: "button", id: "edit-canned", class: "link",
                                              onclick: (e) => e.currentTarget.closest("aside").querySelector(".canned").replaceWith(cannedEditor()) },
                                          t("edit"))),
      cannedButtons(chat)) : null));
  if (chat) mountMessages();
}

function cannedButtons(chat) {
  return el("div", { class: "canned" }, (state.canned || []).map((r) => el("button", { type: "button", onclick: () => {
    const box = document.getElementById("composer"); box.value = r.text; box.focus(); keepDraft(chat.conversation_id, r.text); } }, r.title)));
}

/** The shared canned replies, edited in place: remove one, add one; saved for every agent at once. */
function cannedEditor() {
  const replies = [...(state.canned || [])];
  const title = el("input", { name: "canned_title", maxlength: 40, placeholder: t("canned_title") });
  const text = el("textarea", { name: "canned_text", maxlength: 1000, rows: 2, placeholder: t("canned_text") });
  const status = el("p", { class: "error", role: "alert" });
  const list = el("ul", { class: "canned-list" });
  const draw = () => list.replaceChildren(...replies.map((r, i) => el("li", {}, el("strong", {}, r.title), " ", r.text,
    el("button", { type: "button", class: "remove", "aria-label": t("delete"), onclick: () => { replies.splice(i, 1); draw(); } }, "×"))));
  draw();
  const form = el("form", { class: "canned canned-editor", onsubmit: async (e) => {
    e.preventDefault();
    const added = Boolean(title.value.trim() || text.value.trim());  // with both empty, the list saves as edited
    if (added) replies.push({ title: title.value.trim(), text: text.value.trim() });
    try {
      state.canned = (await api("PUT", "/api/support/canned", { replies })).replies;
      form.replaceWith(cannedButtons(state.current));
    } catch (err) {
      status.textContent = errorText(err);
      if (added) replies.pop();
    }
  } }, list, title, text, el("button", { type: "submit" }, t("save")), status);
  return form;
}
