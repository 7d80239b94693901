// 联系客服 on the customer's side: opening the support conversation, its status and hand-off button, the
// rating card. The agents' desk is desk.js.
import { t } from "./i18n.js";
import { state, el, api, loadUsers, desktopAlert, nameOf, isAgent } from "./core.js";
import { openChat } from "./chat.js";
import { loadDesk, openDeskCase } from "./desk.js";

// -- the customer ------------------------------------------------------------------------------------------

export async function openSupport({ seq } = {}) {
  const data = await api("POST", "/api/support");
  await openChat({ id: data.conversation.id, conversation_id: data.conversation.id, kind: "support",
                   name: t("contact_support"), title_key: "contact_support", support: data.support }, { seq });
}

export function supportTools(chat) {
  const c = chat.support || {};
  const label = c.state === "queued" ? t("queued", { n: c.position ?? "…" })
    : c.state === "assigned" ? t("agent_serving", { name: agentTitle(c.agent?.display_name || "") })
    : c.state === "resolved" ? t("support_resolved") : t("bot_serving");
  const after = c.state === "queued" && c.after_hours ? el("span", { class: "meta" }, t("after_hours_meanwhile")) : null;
  return el("span", { class: "tools", id: "support-status", "data-state": c.state || "" }, el("span", { class: "state" }, label), after,
    c.state === "bot" || c.state === "resolved" ? el("button", { type: "button", id: "handoff", onclick: async () => {
      chat.support = (await api("POST", `/api/support/cases/${chat.conversation_id}/handoff`)).support;
      document.getElementById("support-status")?.replaceWith(supportTools(chat));
    } }, t("handoff")) : null);
}

/** "客服 小林", but "客服小林" as it is: never "客服 客服小林". */
export const agentTitle = (name) => (name.includes("客服") ? name : t("agent_title", { name }));

/** A hand-off reason in words; one this client doesn't know is "其他原因", never the raw code. */
const reasonText = (code) => (t(`handoff.${code}`) === `handoff.${code}` ? t("handoff._other") : t(`handoff.${code}`));

const waitingSeen = new Set();  // cases already announced as waiting, so each is announced once per wait

export function supportUpdated(c) {
  if (c.state !== "queued") waitingSeen.delete(c.conversation_id);
  else if (c.customer_id !== state.me.id && isAgent() && !waitingSeen.has(c.conversation_id)) {
    waitingSeen.add(c.conversation_id);
    loadUsers([c.customer_id]).then(() => desktopAlert(t("customer_waiting"),
      [nameOf(c.customer_id), c.handoff_reason ? reasonText(c.handoff_reason) : ""].filter(Boolean).join(" · "),
      { tag: `queued:${c.conversation_id}`, onclick: () => { state.view = "desk"; openDeskCase(c, true); } }));
  }
  if (state.current?.conversation_id === c.conversation_id && state.current.kind === "support") {
    state.current.support = { ...state.current.support, ...c };
    document.getElementById("support-status")?.replaceWith(supportTools(state.current));
    for (const node of document.querySelectorAll(".rating, .rated")) node.replaceWith(ratingCard());
  }
  if (state.view === "desk") loadDesk({ rebuild: false });
}

export function ratingCard() {
  const c = state.current?.support || {};
  if (!c.rating_pending) return el("p", { class: "rated" }, t("rated"));
  const comment = el("input", { name: "comment", maxlength: 500, placeholder: t("rating_comment") });
  const rate = async (body) => {
    state.current.support = (await api("POST", `/api/support/cases/${state.current.conversation_id}/rating`, body)).support;
    for (const node of document.querySelectorAll(".rating")) node.replaceWith(ratingCard());
  };
  return el("div", { class: "rating" },
    el("div", { class: "stars" }, [1, 2, 3, 4, 5].map((n) => el("button", { type: "button", "data-score": n,
      title: String(n), onclick: () => rate({ score: n, comment: comment.value.trim() }) }, "★".repeat(n)))),
    comment, el("button", { type: "button", class: "skip", onclick: () => rate({ skip: true }) }, t("skip")));
}
