// The agents' desk: tabs for conversations (queue, mine, the conversation beside the customer's whole story),
// after-sales requests, tickets and the service figures. At phone width the list and the conversation take
// turns (a back button), and the customer's panel opens from the conversation's header.
import { t, errorText } from "./i18n.js";
import { state, hooks, el, api, loadUsers, nameOf, presenceDot, toast, timeLabel, messagePreview } from "./core.js";
import { pictureGrid } from "./cards/image.js";
import { chatPane, mountMessages, refreshChatHeader, keepDraft } from "./chat.js";

const TABS = ["cases", "aftersales", "tickets", "stats"];
const desk = () => (state.deskTab ||= "cases");

// -- words for numbers and codes ---------------------------------------------------------------------------------

/** A wait as agents say it: 刚刚, 3分钟, 1小时20分钟 (never "0 min"). */
export function waitLabel(seconds) {
  const s = Math.max(0, Math.round(seconds || 0));
  if (s < 60) return t("just_now");
  if (s < 3600) return t("n_minutes", { n: Math.floor(s / 60) });
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
  return m ? t("n_hours_minutes", { h, m }) : t("n_hours", { h });
}

const known = (family, code) => {  // a code the server sends, in words; an unknown one never shows raw
  const key = `${family}.${code}`;
  return t(key) === key ? t(`${family}._other`) : t(key);
};

function duration(seconds) {
  if (seconds === null || seconds === undefined) return "—";
  if (seconds < 60) return t("n_seconds", { n: Math.round(seconds) });
  return waitLabel(seconds);
}

// -- loading ------------------------------------------------------------------------------------------------------

/** Fetches the queues and the open case again. The page is rebuilt only when the open case changed;
 *  otherwise only the lists and the case's tools are redrawn, so a reply being typed is kept. */
export async function loadDesk({ rebuild = true } = {}) {
  listenForNotes();
  keepWaitsFresh();
  const [queue, mine] = await Promise.all([api("GET", "/api/support/queue"), api("GET", "/api/support/mine")]);
  state.desk = { ...(state.desk || {}), queue: queue.queue, mine: mine.cases };
  await loadUsers([...queue.queue, ...mine.cases].map((c) => c.customer_id));
  if (!state.canned) state.canned = (await api("GET", "/api/support/canned")).replies;
  const open = state.current?.kind === "desk" ? state.current : null;
  const before = open?.detail?.state;
  if (open) {
    try {
      open.detail = (await api("GET", `/api/support/cases/${open.conversation_id}`)).support;
    } catch { state.current = null; }
    if (open.detail?.agent_id && open.detail.agent_id !== state.me.id && state.me.role !== "admin") state.current = null;
  }
  if (desk() !== "cases") return renderDesk();
  if (rebuild || !document.getElementById("desk-queue") || state.current !== open) return renderDesk();
  document.getElementById("desk-queue").replaceChildren(...caseLists().queue);
  document.getElementById("desk-mine").replaceChildren(...caseLists().mine);
  document.getElementById("waiting-count").textContent = ` (${state.desk.queue.length})`;
  document.querySelector(".desk-tabs [data-tab=cases] .n").textContent = countLabel(state.desk.queue.length);
  if (open && state.current === open) {
    if (open.detail.state !== before) refreshChatHeader();
    refreshPanel(open);
  }
}

// the queue's waits move on while nobody acts: its list is fetched again every 30 s while the desk is open
let ticking = null;
function keepWaitsFresh() {
  if (ticking) return;
  ticking = setInterval(() => {
    if (state.view !== "desk" || desk() !== "cases" || document.hidden) return;
    loadDesk({ rebuild: false }).catch(() => {});
  }, 30_000);
}

/** The customer's panel drawn again with what changed, keeping what the agent is typing there and what is open. */
function refreshPanel(chat) {
  const old = document.getElementById("customer-panel");
  if (!old) return;
  const typed = [...old.querySelectorAll("input, textarea")].filter((f) => f.value !== f.defaultValue)
    .map((f) => [f.name, f.value]);
  const opened = [...old.querySelectorAll("details[open]")].map((d) => d.dataset.session);
  const focused = document.activeElement?.name;
  const fresh = customerPanel(chat);
  for (const [name, value] of typed) { const f = fresh.querySelector(`[name="${name}"]`); if (f) f.value = value; }
  for (const id of opened) { const d = fresh.querySelector(`details[data-session="${id}"]`); if (d) d.open = true; }
  fresh.scrollTop = old.scrollTop;
  old.replaceWith(fresh);
  if (focused) fresh.querySelector(`[name="${focused}"]`)?.focus();
}

let notesSocket = null;
function listenForNotes() {  // internal notes arrive on the desk room only
  if (!state.socket || notesSocket === state.socket) return;
  notesSocket = state.socket;
  state.socket.on("support:note", (note) => {
    const open = state.current?.kind === "desk" ? state.current : null;
    if (!open || open.conversation_id !== note.conversation_id || !open.detail) return;
    if (!(open.detail.notes ||= []).some((n) => n.id === note.id)) open.detail.notes.push(note);
    loadUsers([note.author_id]).then(() => {
      const old = document.getElementById("case-notes");
      if (!old) return;
      const typing = old.querySelector("textarea")?.value || "", focused = old.contains(document.activeElement);
      const fresh = notesBox(open);
      fresh.querySelector("textarea").value = typing;  // a colleague's note must not wipe mine half-written
      old.replaceWith(fresh);
      if (focused) fresh.querySelector("textarea").focus();
    });
  });
}

export async function openDeskCase(c, claim) {
  try {
    if (claim) await api("POST", `/api/support/cases/${c.conversation_id}/claim`);
  } catch (err) { toast(errorText(err), "alert"); return loadDesk(); }
  state.deskTab = "cases";
  const detail = (await api("GET", `/api/support/cases/${c.conversation_id}`)).support;
  state.current = { id: c.conversation_id, conversation_id: c.conversation_id, kind: "desk", detail,
                    name: detail.customer?.display_name || t("a_customer") };
  state.messages = detail.transcript;
  state.hasOlder = detail.transcript.length > 0 && detail.transcript[0].seq > 1;
  state.hasNewer = false;
  await loadUsers([...state.messages.map((m) => m.author_id), ...(detail.notes || []).map((n) => n.author_id),
                   ...(detail.earlier || []).map((s) => s.agent_id)]);
  await loadDesk();
}

// -- the conversation's tools -------------------------------------------------------------------------------------

export function deskTools(chat) {
  const info = el("button", { type: "button", id: "desk-info", class: "phone-only", onclick: () => {
    document.querySelector("main.desk")?.classList.toggle("info");
  } }, t("customer_info"));
  if (chat.detail?.state !== "assigned") {
    return el("span", { class: "tools" }, el("span", { class: "state", "data-state": chat.detail?.state || "" },
                                              known("case_state", chat.detail?.state)), info);
  }
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
      try {
        await api("POST", `/api/support/cases/${chat.conversation_id}/resolve`);
      } catch (err) { toast(errorText(err), "alert"); }
      await loadDesk();
    } }, t("resolve")), info);
}

// -- the frame ----------------------------------------------------------------------------------------------------

const countLabel = (n) => (n ? ` ${n}` : "");

export function renderDesk() {
  if (state.view !== "desk") return;
  const tab = desk();
  const chat = tab === "cases" && state.current?.kind === "desk" ? state.current : null;
  const tabs = el("nav", { class: "desk-tabs mod-tabs", "aria-label": t("desk") }, TABS.map((name) => el("button", {
    type: "button", class: name === tab ? "tab active" : "tab", "data-tab": name, "aria-pressed": String(name === tab),
    onclick: () => { state.deskTab = name; if (name !== "cases") state.current = null; renderDesk(); } },
    t(`desk_tab.${name}`), el("span", { class: "n" }, name === "cases" ? countLabel(state.desk?.queue?.length) : ""))));
  let body;
  if (tab === "cases") {
    const lists = caseLists();
    body = [
      el("nav", { class: "queue" },
         el("h2", {}, t("waiting"), el("span", { id: "waiting-count" }, ` (${lists.queue.length})`)),
         el("ul", { id: "desk-queue" }, lists.queue.length ? lists.queue : el("li", { class: "meta empty-list" }, t("nobody_waiting"))),
         el("h2", {}, t("mine")), el("ul", { id: "desk-mine" }, lists.mine)),
      el("section", { class: "chat" }, chat ? chatPane(chat) : el("p", { class: "empty" }, t("pick_case"))),
      chat ? customerPanel(chat) : null];
  } else {
    body = el("section", { class: "desk-pane", id: `desk-${tab}` }, el("p", { class: "meta" }, t("loading")));
  }
  hooks.shell(el("main", { class: chat ? "desk chatting" : "desk" }, tabs, el("div", { class: "desk-body" }, body)));
  if (chat) mountMessages();
  if (tab === "aftersales") showAftersales();
  if (tab === "tickets") showTickets();
  if (tab === "stats") showStats();
}

/** The customer's last message as the queue previews it (the server picks theirs, not the assistant's line):
 *  its words, or for a card sent without words, the order or the product it shows. */
function preview(m) {
  if (!m) return "";
  if (m.card?.kind === "image") return messagePreview(m);  // [图片] and its words
  return m.text || (m.card?.order_id ? `${t("order_no")} ${m.card.order_id}` : m.card?.title || "");
}

function caseLists() {
  const lists = state.desk || { queue: [], mine: [] };
  const open = state.current?.kind === "desk" ? state.current.conversation_id : null;
  const entry = (c, claim) => el("li", {}, el("button", { type: "button",
      class: c.conversation_id === open ? "case active" : "case", "data-case": c.conversation_id,
      onclick: () => openDeskCase(c, claim) },
    el("strong", {}, c.customer?.display_name || nameOf(c.customer_id)),
    el("span", { class: "meta" }, claim
      ? `${t("desk_position", { n: c.position })} · ${t("waited", { w: waitLabel(c.waiting_seconds) })}`
      : t("serving_now")),
    c.handoff_reason ? el("span", { class: "meta reason" }, known("handoff", c.handoff_reason)) : null,
    c.after_hours ? el("span", { class: "meta" }, t("left_after_hours")) : null,
    preview(c.last_message) ? el("span", { class: "meta last" }, preview(c.last_message)) : null));
  return { queue: lists.queue.map((c) => entry(c, true)), mine: lists.mine.map((c) => entry(c, false)) };
}

// -- the customer's whole story, beside the conversation --------------------------------------------------------------

function section(title, id, ...children) {
  return el("section", { class: "story", id }, el("h3", {}, title), ...children);
}

function customerPanel(chat) {
  const d = chat.detail || {};
  const u = d.understood || {};
  const slots = Object.entries(u.slots || {});
  // a product or an item is a SKU to the assistant: the agent reads its title (from the customer's orders)
  const titles = Object.fromEntries((d.orders || []).flatMap((o) => o.items.map((i) => [String(i.sku).toUpperCase(), i.title])));
  const slotValue = (k, v) => ((k === "product" || k === "item_sku") && titles[String(v).toUpperCase()]) || String(v);
  return el("aside", { class: "customer", id: "customer-panel" },
    el("button", { type: "button", class: "back phone-only", onclick: () => document.querySelector("main.desk")?.classList.remove("info") },
       "‹ ", t("back_to_chat")),
    el("h3", {}, presenceDot(d.customer?.id), chat.name),
    profileBox(chat),
    d.handoff_reason ? el("p", { class: "meta" }, t("handoff_reason"), "：", known("handoff", d.handoff_reason)) : null,
    u.intent || u.form || slots.length ? section(t("understood"), "understood",
      el("dl", { class: "facts" },
        u.intent ? [el("dt", {}, t("understood.intent")), el("dd", {}, known("intent", u.intent))] : null,
        u.form ? [el("dt", {}, t("understood.form")), el("dd", {}, known("form", u.form))] : null,
        u.requested_slot ? [el("dt", {}, t("understood.asking")), el("dd", {}, known("slot", u.requested_slot))] : null,
        slots.length ? [el("dt", {}, t("understood.filled")), el("dd", {}, el("ul", {}, slots.map(([k, v]) =>
          el("li", {}, known("slot", k), "：", slotValue(k, v)))))] : null)) : null,
    section(t("orders"), "customer-orders-box", el("ul", { id: "customer-orders" }, (d.orders || []).map((o) => el("li", {},
      el("strong", {}, o.id), " ", o.status_label, " ¥", o.total,
      el("div", { class: "meta" }, o.items.map((i) => i.title).join("、")),
      o.tracking_no ? el("div", { class: "meta" }, `${o.carrier || ""} ${o.tracking_no}`) : null)))),
    section(t("desk_tab.aftersales"), "customer-aftersales", el("ul", {}, (d.aftersales || []).length
      ? d.aftersales.map((a) => el("li", { "data-status": a.status },
          el("strong", {}, a.kind_label), " ", a.title, " ", el("span", { class: `status ${a.status}` }, a.status_label),
          el("div", { class: "meta" }, `${t("order_no")} ${a.order_id}`, a.reason ? ` · ${a.reason}` : ""), photosOf(a)))
      : el("li", { class: "meta" }, t("none")))),
    section(t("desk_tab.tickets"), "customer-tickets", el("ul", {}, (d.tickets || []).length
      ? d.tickets.map((k) => el("li", { "data-status": k.status },
          el("strong", {}, k.kind_label), " ", el("span", { class: `status ${k.status}` }, known("ticket_status", k.status)),
          el("div", { class: "meta" }, k.summary)))
      : el("li", { class: "meta" }, t("none")))),
    section(t("earlier"), "customer-earlier", el("ul", {}, (d.earlier || []).length
      ? d.earlier.map((s) => earlierItem(chat, s))
      : el("li", { class: "meta" }, t("none")))),
    notesBox(chat),
    el("h3", {}, t("canned"), " ", el("button", { type: "button", id: "edit-canned", class: "link",
      onclick: (e) => e.currentTarget.closest("aside").querySelector(".canned").replaceWith(cannedEditor()) }, t("edit"))),
    cannedButtons(chat));
}

/** An earlier round: when, why it was handed over, who served, the rating; opened, what was said in it. */
function earlierItem(chat, s) {
  const said = el("ol", { class: "earlier-transcript" });
  const summary = el("summary", {}, timeLabel(s.started_at), " · ",
    s.handed_off ? `${known("handoff", s.reason)}${s.agent_id ? ` · ${nameOf(s.agent_id)}` : ""}` : t("assistant_alone"),
    s.score ? ` · ${"★".repeat(s.score)}` : "");
  if (!s.first_seq) return el("li", { class: "earlier" }, summary);
  const box = el("details", { class: "earlier", "data-session": s.id, ontoggle: async () => {
    if (!box.open || said.childElementCount) return;
    try {
      const found = (await api("GET", `/api/conversations/${chat.conversation_id}/messages?after=${s.first_seq - 1}&limit=30`)).messages;
      const later = (chat.detail.earlier || []).map((x) => x.first_seq).filter((q) => q > s.first_seq);
      const until = later.length ? Math.min(...later) : Infinity;
      await loadUsers(found.map((m) => m.author_id));
      const ended = s.resolved_at ? new Date(s.resolved_at).getTime() : Infinity;
      said.replaceChildren(...found.filter((m) => m.seq < until && new Date(m.created_at).getTime() <= ended)
        .map((m) => el("li", {}, el("span", { class: "meta" }, nameOf(m.author_id), "："), messagePreview(m),
                       m.card?.kind === "image" ? pictureGrid(m) : null)));  // its thumbnails open the lightbox too
    } catch (err) { said.replaceChildren(el("li", { class: "error" }, errorText(err))); }
  } }, summary, said);
  return el("li", {}, box);
}

function profileBox(chat) {
  const profile = chat.detail?.profile || { labels: [], note: "" };
  const status = el("span", { class: "error", role: "alert" });
  const labels = el("input", { name: "labels", maxlength: 140, value: profile.labels.join("，"),
                               placeholder: t("labels_hint"), "aria-label": t("labels") });
  const note = el("textarea", { name: "customer_note", maxlength: 1000, rows: 2, placeholder: t("customer_note"),
                                "aria-label": t("customer_note") }, profile.note);
  return el("form", { class: "profile-box", id: "customer-profile", onsubmit: async (e) => {
    e.preventDefault();
    const list = labels.value.split(/[,，、\s]+/).map((s) => s.trim()).filter(Boolean);
    try {
      chat.detail.profile = (await api("PUT", `/api/support/customers/${chat.detail.customer_id}/profile`,
                                       { labels: list, note: note.value })).profile;
      document.getElementById("customer-profile")?.replaceWith(profileBox(chat));
      toast(t("saved"));
    } catch (err) { status.textContent = errorText(err); }
  } },
    el("div", { class: "labels" }, profile.labels.map((l) => el("span", { class: "label" }, l))),
    labels, note, el("button", { type: "submit" }, t("save")), status);
}

function notesBox(chat) {
  const text = el("textarea", { name: "case_note", maxlength: 1000, rows: 2, placeholder: t("note_hint"),
                                "aria-label": t("internal_notes") });
  const status = el("span", { class: "error", role: "alert" });
  return el("section", { class: "story notes", id: "case-notes" },
    el("h3", {}, t("internal_notes"), " ", el("span", { class: "meta" }, t("notes_private"))),
    el("ul", { id: "case-note-list" }, (chat.detail?.notes || []).map((n) => el("li", { class: "case-note" },
      el("div", { class: "meta" }, nameOf(n.author_id), " · ", timeLabel(n.created_at)), n.text))),
    el("form", { class: "note-form", onsubmit: async (e) => {
      e.preventDefault();
      if (!text.value.trim()) return;
      try {
        const note = (await api("POST", `/api/support/cases/${chat.conversation_id}/notes`, { text: text.value })).note;
        if (!(chat.detail.notes ||= []).some((n) => n.id === note.id)) chat.detail.notes.push(note);
        document.getElementById("case-notes")?.replaceWith(notesBox(chat));
      } catch (err) { status.textContent = errorText(err); }
    } }, text, el("button", { type: "submit", id: "add-note" }, t("add_note")), status));
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

// -- after-sales requests -------------------------------------------------------------------------------------------

async function showAftersales() {
  const filter = state.deskAftersales ||= "pending";
  const pane = document.getElementById("desk-aftersales");
  if (!pane) return;
  let found;
  try {
    found = (await api("GET", `/api/aftersales?limit=100${filter === "all" ? "" : `&status=${filter}`}`)).aftersales;
  } catch (err) { pane.replaceChildren(el("p", { class: "error" }, errorText(err))); return; }
  await loadUsers(found.map((a) => a.customer_id));
  const filters = el("div", { class: "filters" }, ["pending", "approved", "all"].map((f) => el("button", {
    type: "button", class: f === filter ? "tab active" : "tab", "data-filter": f,
    onclick: () => { state.deskAftersales = f; showAftersales(); } }, t(`aftersale_filter.${f}`))));
  pane.replaceChildren(filters, found.length ? el("ul", { class: "records", id: "aftersale-list" }, found.map(aftersaleItem))
    : el("p", { class: "empty" }, t("nothing_here")));
}

const NEXT = { pending: ["approved", "rejected"], approved: ["refunding", "completed"], refunding: ["refunded"],
               refunded: ["completed"] };

/** The customer's photos of a request (a damage photo): thumbnails that open the lightbox, signed for me like a
 *  picture message's; a damaged-item request without one says so. */
function photosOf(a) {
  const photos = a.photos || [];
  if (!photos.length) return a.kind === "damaged" ? el("div", { class: "meta no-photo" }, t("no_customer_photo")) : null;
  return el("div", { class: "aftersale-photos", "data-count": photos.length },
    el("div", { class: "meta" }, t("customer_photos")), pictureGrid({ card: { images: photos } }));
}

function aftersaleItem(a) {
  const reason = el("input", { name: "note", maxlength: 500, placeholder: t("decision_reason"), "aria-label": t("decision_reason") });
  const status = el("span", { class: "error", role: "alert" });
  const act = async (next) => {
    if (next === "rejected" && !reason.value.trim()) { status.textContent = t("need_reject_reason"); reason.focus(); return; }
    try {
      await api("PATCH", `/api/aftersales/${a.id}`, { status: next, ...(reason.value.trim() ? { note: reason.value.trim() } : {}) });
      toast(t("aftersale_moved", { s: t(`aftersale_status.${next}`) }));
      showAftersales();
    } catch (err) { status.textContent = errorText(err); }
  };
  return el("li", { class: "record aftersale", "data-id": a.id, "data-status": a.status },
    el("div", { class: "head" }, el("strong", {}, a.kind_label), " ", a.title,
       el("span", { class: `status ${a.status}` }, a.status_label)),
    el("div", { class: "meta" }, nameOf(a.customer_id), " · ", `${t("order_no")} ${a.order_id}`, " · ",
       `${t("request_no")} ${a.number}`, " · ", timeLabel(a.created_at)),
    a.reason ? el("div", {}, t("customer_reason"), "：", a.reason) : null,
    a.description ? el("div", {}, t("damage_description"), "：", a.description) : null,
    photosOf(a),
    a.exchange_detail ? el("div", {}, t("exchange_to"), "：", a.exchange_detail.replace(/^换成\s*/, "")) : null,
    a.refund_amount ? el("div", {}, t("refund_amount"), "：¥", a.refund_amount) : null,
    a.note ? el("div", { class: "meta" }, t("desk_note"), "：", a.note) : null,
    NEXT[a.status] ? el("div", { class: "actions" }, reason, NEXT[a.status].map((next) => el("button", {
      type: "button", "data-action": next, onclick: () => act(next) }, t(`aftersale_action.${next}`))), status) : null);
}

// -- tickets --------------------------------------------------------------------------------------------------------

async function showTickets() {
  const filter = state.deskTickets ||= "open";
  const pane = document.getElementById("desk-tickets");
  if (!pane) return;
  let found;
  try {
    found = (await api("GET", `/api/tickets?limit=100&status=${filter}`)).tickets;
  } catch (err) { pane.replaceChildren(el("p", { class: "error" }, errorText(err))); return; }
  await loadUsers([...found.map((k) => k.customer_id), ...found.map((k) => k.resolved_by)]);
  const filters = el("div", { class: "filters" }, ["open", "closed"].map((f) => el("button", {
    type: "button", class: f === filter ? "tab active" : "tab", "data-filter": f,
    onclick: () => { state.deskTickets = f; showTickets(); } }, t(`ticket_status.${f}`))));
  pane.replaceChildren(filters, found.length ? el("ul", { class: "records", id: "ticket-list" }, found.map(ticketItem))
    : el("p", { class: "empty" }, t("nothing_here")));
}

function ticketItem(k) {
  const resolution = el("textarea", { name: "resolution", maxlength: 500, rows: 2, placeholder: t("resolution_hint"),
                                      "aria-label": t("resolution") });
  const status = el("span", { class: "error", role: "alert" });
  return el("li", { class: "record ticket", "data-id": k.id, "data-status": k.status },
    el("div", { class: "head" }, el("strong", {}, k.kind_label), " ", nameOf(k.customer_id),
       el("span", { class: `status ${k.status}` }, known("ticket_status", k.status))),
    el("div", { class: "meta" }, `${t("ticket_no")} ${k.number}`, k.order_id ? ` · ${t("order_no")} ${k.order_id}` : "",
       " · ", timeLabel(k.created_at)),
    el("div", {}, k.summary),
    k.resolution ? el("div", { class: "resolution" }, t("resolution"), "：", k.resolution,
                      k.resolved_by ? el("span", { class: "meta" }, ` · ${nameOf(k.resolved_by)}`) : null) : null,
    k.status === "open" ? el("form", { class: "actions", onsubmit: async (e) => {
      e.preventDefault();
      if (!resolution.value.trim()) { status.textContent = t("need_resolution"); return; }
      try {
        await api("POST", `/api/tickets/${k.id}/resolve`, { resolution: resolution.value.trim() });
        toast(t("ticket_resolved"));
        showTickets();
      } catch (err) { status.textContent = errorText(err); }
    } }, resolution, el("button", { type: "submit", "data-action": "resolve" }, t("resolve_ticket")), status) : null);
}

// -- service figures ------------------------------------------------------------------------------------------------

async function showStats() {
  const pane = document.getElementById("desk-stats");
  if (!pane) return;
  const period = state.deskPeriod || {};
  const query = new URLSearchParams(Object.entries(period).filter(([, v]) => v)).toString();
  let s;
  try {
    s = await api("GET", `/api/support/stats${query ? `?${query}` : ""}`);
  } catch (err) { pane.replaceChildren(el("p", { class: "error" }, errorText(err))); return; }
  const from = el("input", { type: "date", name: "from", value: s.from, "aria-label": t("period_from") });
  const to = el("input", { type: "date", name: "to", value: s.to, "aria-label": t("period_to") });
  const status = el("span", { class: "error", role: "alert" });
  const total = s.total;
  const pct = (x) => (x === null || x === undefined ? "—" : `${Math.round(x * 100)}%`);
  const figure = (label, value, id) => el("div", { class: "figure", id }, el("span", { class: "meta" }, label), el("strong", {}, value));
  pane.replaceChildren(
    el("form", { class: "period", onsubmit: (e) => {
      e.preventDefault();
      state.deskPeriod = { from: from.value, to: to.value };
      showStats();
    } }, from, "—", to, el("button", { type: "submit" }, t("show")),
      el("button", { type: "button", id: "export-csv", onclick: () => exportCsv(s.from, s.to, status) }, t("export_csv")), status),
    el("div", { class: "figures" },
      figure(t("stat.conversations"), total.conversations, "stat-conversations"),
      figure(t("stat.solved_by_assistant"), total.solved_by_assistant, "stat-solved"),
      figure(t("stat.handed_off"), total.handed_off, "stat-handed"),
      figure(t("stat.waiting"), `${duration(total.waiting_p50)} / ${duration(total.waiting_p90)}`, "stat-waiting"),
      figure(t("stat.first_response"), `${duration(total.first_response_p50)} / ${duration(total.first_response_p90)}`, "stat-first"),
      figure(t("stat.resolution"), `${duration(total.resolution_p50)} / ${duration(total.resolution_p90)}`, "stat-resolution"),
      figure(t("stat.csat"), `${pct(total.csat_satisfied)}（${t("n_ratings", { n: total.rated })}）`, "stat-csat")),
    el("p", { class: "meta" }, t("stat.p50_p90")),
    el("h3", {}, t("stat.by_day")), dayChart(s.days),
    el("h3", {}, t("stat.csat_distribution")), csatChart(total.csat),
    el("h3", {}, t("stat.reasons")), el("ul", { class: "reasons" }, s.handoff_reasons.length
      ? s.handoff_reasons.map((r) => el("li", {}, known("handoff", r.reason), " ", el("strong", {}, r.count)))
      : el("li", { class: "meta" }, t("none"))),
    el("h3", {}, t("stat.by_agent")), agentTable(s.agents));
}

const SVG = "http://www.w3.org/2000/svg";
function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children.flat()) {
    if (c !== null && c !== undefined && c !== false) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

/** One pair of bars a day: solved by the assistant alone, and handed to a person. */
function dayChart(days) {
  const width = Math.min(720, Math.max(320, days.length * 40)), height = 160, base = 130;
  const top = Math.max(1, ...days.map((d) => d.conversations));
  const step = (width - 20) / days.length;
  const bar = Math.max(4, Math.min(10, step / 2 - 2));
  return el("div", { class: "chart" }, svg("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "img", id: "stats-chart",
                                                     "aria-label": t("stat.by_day") },
    svg("line", { x1: 10, y1: base, x2: width - 10, y2: base, stroke: "#c9cdd4" }),
    days.map((d, i) => {
      const x = 10 + i * step + step / 2;
      const h1 = (d.solved_by_assistant / top) * 110, h2 = (d.handed_off / top) * 110;
      return svg("g", { "data-date": d.date },
        svg("rect", { x: x - bar - 1, y: base - h1, width: bar, height: h1, fill: "#2f80ed", class: "bar-bot" },
            svg("title", {}, `${d.date} ${t("stat.solved_by_assistant")} ${d.solved_by_assistant}`)),
        svg("rect", { x: x + 1, y: base - h2, width: bar, height: h2, fill: "#ff5000", class: "bar-human" },
            svg("title", {}, `${d.date} ${t("stat.handed_off")} ${d.handed_off}`)),
        days.length <= 14 || i % Math.ceil(days.length / 14) === 0
          ? svg("text", { x, y: base + 16, "text-anchor": "middle", "font-size": 10, fill: "#8f959e" }, d.date.slice(5)) : null);
    })),
    el("p", { class: "legend" }, el("span", { class: "key bot" }), t("stat.solved_by_assistant"), " ",
       el("span", { class: "key human" }), t("stat.handed_off")));
}

function csatChart(csat) {
  const top = Math.max(1, ...Object.values(csat));
  return el("div", { class: "chart" }, svg("svg", { viewBox: "0 0 320 120", width: 320, height: 120, role: "img", id: "csat-chart", "aria-label": t("stat.csat_distribution") },
    [1, 2, 3, 4, 5].map((n, i) => {
      const w = (csat[String(n)] / top) * 220;
      return svg("g", {}, svg("text", { x: 0, y: 18 + i * 22, "font-size": 12, fill: "#1f2329" }, `${n}★`),
        svg("rect", { x: 34, y: 6 + i * 22, width: w, height: 16, fill: "#ffb400" }),
        svg("text", { x: 40 + w, y: 18 + i * 22, "font-size": 12, fill: "#8f959e" }, csat[String(n)]));
    })));
}

function agentTable(agents) {
  if (!agents.length) return el("p", { class: "meta" }, t("none"));
  return el("table", { class: "audit", id: "agent-stats" },
    el("thead", {}, el("tr", {}, ["agent", "handed_off", "resolved", "waiting", "first_response", "resolution", "csat"]
      .map((k) => el("th", {}, t(`stat.col.${k}`))))),
    el("tbody", {}, agents.map((a) => el("tr", {},
      el("td", {}, a.display_name), el("td", {}, a.handed_off), el("td", {}, a.resolved),
      el("td", {}, duration(a.waiting_p50)), el("td", {}, duration(a.first_response_p50)),
      el("td", {}, duration(a.resolution_p50)),
      el("td", {}, a.average_score === null ? "—" : `${a.average_score}★`)))));
}

async function exportCsv(from, to, status) {
  try {
    const resp = await fetch(`/api/support/stats?from=${from}&to=${to}&format=csv`,
                             { headers: { Authorization: `Bearer ${state.token}` } });
    if (!resp.ok) throw (await resp.json().catch(() => ({}))).error || { code: "default" };
    const url = URL.createObjectURL(await resp.blob());
    const link = el("a", { href: url, download: `${t("stat.file")}-${from}-${to}.csv` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  } catch (err) { status.textContent = errorText(err); }
}
