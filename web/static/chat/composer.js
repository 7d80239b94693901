// Writing: the composer (drafts kept per conversation), replying, @mention suggestions, sharing a product,
// pictures (chat/attach.js), the line that says who else is typing, and a mute or ban that stops me writing here.
import { t, lang, duration } from "../i18n.js";
import { state, el, api, loadUsers, nameOf, avatar, latestInto, messagePreview } from "../core.js";
import { productLine } from "../cards/product.js";
import { inService } from "./message.js";
import { sendDraft, keepDraft } from "./outbox.js";
import { attachButton, attachStrip, hasPictures, readyPictures, takePictures, putBack, release, pastePictures } from "./attach.js";

// -- typing -----------------------------------------------------------------------------------------------

export function typingEvent({ conversation_id, user_id, typing }) {
  if (user_id === state.me.id) return;
  const who = state.typing.get(conversation_id) || new Map();
  clearTimeout(who.get(user_id));
  if (typing === false) who.delete(user_id);
  else who.set(user_id, setTimeout(() => stopTyping(conversation_id, user_id), 6000));
  state.typing.set(conversation_id, who);
  loadUsers([user_id]).then(renderTyping);
}

export function stopTyping(conversationId, userId) {
  const who = state.typing.get(conversationId);
  if (!who?.has(userId)) return;
  clearTimeout(who.get(userId));
  who.delete(userId);
  renderTyping();
}

function renderTyping() {
  const line = document.getElementById("typing");
  if (!line || !state.current) return;
  const ids = [...(state.typing.get(state.current.conversation_id)?.keys() || [])];
  line.textContent = ids.length ? t("typing", { names: ids.map(nameOf).join("、") }) : "";
}

// -- writing ----------------------------------------------------------------------------------------------

export function setReply(m) {
  state.replyTo = m;
  renderReplyBar();
  document.getElementById("composer")?.focus();
}

function renderReplyBar() {
  const bar = document.getElementById("reply-bar");
  if (!bar) return;
  const m = state.replyTo;
  bar.replaceChildren(...(m ? [el("span", {}, t("replying_to", { name: nameOf(m.author_id) }), "：", messagePreview(m).slice(0, 40)),
    el("button", { type: "button", "aria-label": t("cancel"), onclick: () => { state.replyTo = null; renderReplyBar(); } }, "×")] : []));
  bar.hidden = !m;
}

export function composer() {
  const conversationId = state.current.conversation_id;  // what is sent from here goes where the screen shows
  const input = el("textarea", { id: "composer", rows: 1, placeholder: t("write"), maxlength: 4000, "aria-label": t("write") });
  input.value = state.drafts[conversationId] || "";
  const suggest = el("ul", { class: "suggest", id: "mention-suggest", hidden: true });
  let lastTyping = 0;
  let waiting = false;  // for pictures still uploading: one send, however often Enter is pressed meanwhile
  const send = async (e) => {
    e.preventDefault();
    if (waiting) return;
    if (!input.value.trim() && !hasPictures(conversationId)) return;
    waiting = true;
    let pictures;
    try { pictures = await readyPictures(conversationId); } finally { waiting = false; }
    if (pictures === false) return;  // one was refused (it says why): removed first
    const text = input.value.trim();  // read now: typing may have gone on while the pictures went up
    if (!text && !pictures) return;
    const draft = { text, ...(state.replyTo ? { reply_to: state.replyTo.id } : {}),
                    ...(pictures ? { type: "image", images: pictures.map((p) => ({ upload_id: p.upload.id })) } : {}) };
    input.value = "";
    keepDraft(conversationId, "");
    if (pictures) takePictures(conversationId);
    state.replyTo = null;
    renderReplyBar();
    lastTyping = 0;
    if (await sendDraft(draft, conversationId)) { if (pictures) release(pictures); return; }
    input.value = text;  // refused: what was typed and chosen is back, to change and send again
    keepDraft(conversationId, text);
    if (pictures) putBack(conversationId, pictures);
  };
  input.addEventListener("paste", (e) => pastePictures(conversationId, e));
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      const first = suggest.hidden ? null : suggest.querySelector("button");
      if (first) { e.preventDefault(); first.click(); } else send(e);
    }
    if (e.key === "Escape") suggest.hidden = true;
  });
  input.addEventListener("input", () => {
    keepDraft(conversationId, input.value);
    const now = Date.now();
    if (now - lastTyping > 3000 && state.socket?.connected) {
      lastTyping = now;
      state.socket.emit("typing", { conversation_id: conversationId, typing: true });
    }
    suggestMentions(input, suggest);
  });
  const picker = el("div", { class: "product-picker", id: "product-picker", hidden: true });
  const form = el("form", { class: "composer", onsubmit: send },
    el("p", { class: "silenced", id: "silenced", role: "status", hidden: true }),
    el("div", { class: "reply-bar", id: "reply-bar", hidden: true }), suggest, picker,
    attachStrip(conversationId),
    inService() ? null : el("button", { type: "button", id: "share-product", title: t("share_product"), "aria-label": t("share_product"),
                                        onclick: () => toggleProductPicker(picker) }, "🛍"),
    attachButton(conversationId),  // at the desk too: an agent sends a size chart, a photo of the right part
    state.current.kind === "support" ? el("button", { type: "button", id: "share-order", title: t("send_order"),
                                                      "aria-label": t("send_order"), onclick: () => toggleOrderPicker(picker) }, "📦") : null,
    input, el("button", { type: "submit" }, t("send")), el("p", { class: "error", role: "alert", id: "send-error" }));
  renderSilence(form);  // what is known already; opening the conversation asks the server again (loadSilences)
  return form;
}

// -- muted or banned: said before writing, not after sending -----------------------------------------------------

let silenceTimer = null;
const silencing = (s) => s?.in_force && ["mute", "ban"].includes(s.kind);
// until when, on this page's clock: the server's seconds_left, not its clock against this computer's
const withEnd = (s) => ({ ...s, ends: s.seconds_left == null ? null : Date.now() + s.seconds_left * 1000 });

/** My mutes and bans in force, as the server stores them (whichever process issued them): asked each time a
 *  conversation opens; moderation:notice keeps them current meanwhile (silenceChanged). */
export async function loadSilences() {
  let sanctions;
  try { sanctions = (await api("GET", "/api/me/sanctions")).sanctions; } catch { return; }
  state.silences = sanctions.filter(silencing).map(withEnd);
  renderSilence();
}

/** A decision about me arrived live: a new mute or ban, or one lifted (a lift, an appeal that overturned it). */
export function silenceChanged(sanction) {
  if (!sanction?.id) return;
  state.silences = (state.silences || []).filter((s) => s.id !== sanction.id);
  if (silencing(sanction)) state.silences.push(withEnd(sanction));
  renderSilence();
}

/** The mute or ban that stops me posting in this conversation: the platform's anywhere, a group's in the group and
 *  its topics; never in support (a muted customer can still ask for help). The one that lasts longest says until when. */
function silenceHere(chat = state.current) {
  if (!chat || chat.kind === "support" || chat.kind === "desk") return null;
  const group = chat.kind === "group" ? chat.id : chat.kind === "thread" ? chat.group?.id : null;
  const now = Date.now();
  const here = (state.silences || []).filter((s) => (s.ends === null || s.ends > now) && (s.scope === "platform" || s.scope === group));
  return here.sort((a, b) => (b.ends ?? Infinity) - (a.ends ?? Infinity))[0] || null;
}

/** 12月9日 14:00, Dec 9, 14:00: the day always, a mute's end is rarely today. */
const untilLabel = (ms) => new Date(ms).toLocaleString(lang, { month: lang === "en" ? "short" : "long", day: "numeric",
                                                              hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

/** The composer says 你已被禁言，至 12月9日 14:00（还剩 6天23小时） and doesn't send while that holds; it opens again
 *  when the time is up or the mute is lifted. What was typed stays. */
export function renderSilence(form = document.querySelector("form.composer")) {
  clearTimeout(silenceTimer);
  const box = form?.querySelector("#silenced");
  if (!box) return;
  const s = silenceHere();
  if (Boolean(s) !== form.classList.contains("is-silenced")) {  // only a change: what else disabled a control stays
    form.classList.toggle("is-silenced", Boolean(s));
    for (const control of form.querySelectorAll("textarea, button")) control.disabled = Boolean(s);
  }
  box.hidden = !s;
  if (!s) { box.textContent = ""; return; }
  const what = t(s.kind === "ban" ? "error.banned" : "error.muted");
  const left = s.ends === null ? null : s.ends - Date.now();
  box.textContent = (left === null ? t("silenced_for_good", { what })
    : t("silenced_until", { what, until: untilLabel(s.ends), left: duration(left / 1000) }))
    + (s.reason ? ` · ${t("reason", { r: s.reason })}` : "");
  if (left !== null) silenceTimer = setTimeout(() => renderSilence(), Math.min(left + 500, 60000));  // the time left counts down
}

/** Share one of the shop's products as a card: search the catalogue, pick one. */
function toggleProductPicker(picker) {
  if (!picker.hidden) { picker.hidden = true; return; }
  const q = el("input", { type: "search", name: "product_q", placeholder: t("product_search"), "aria-label": t("product_search") });
  const results = el("ul", { class: "product-results" });
  const search = latestInto(results, () => api("GET", `/api/products?q=${encodeURIComponent(q.value.trim())}&limit=8`), ({ products }) => {
    results.replaceChildren(...(products.length ? products.map((p) => el("li", {}, el("button", { type: "button", "data-sku": p.sku,
      onclick: async () => {
        picker.hidden = true;
        await sendDraft({ type: "product", text: "", product: { sku: p.sku } });  // the server builds the card from its catalogue
      } }, productLine(p))))
      : [el("li", { class: "empty" }, t("nothing_found"))]));
  });
  q.addEventListener("keydown", (e) => { if (e.key === "Enter" && !e.isComposing) { e.preventDefault(); search(); } });
  picker.replaceChildren(q, results);
  picker.hidden = false;
  q.focus();
  search();
}

/** 联系客服: show support one of my orders as a card, picked from my own orders. */
async function toggleOrderPicker(picker) {
  if (!picker.hidden) { picker.hidden = true; return; }
  const results = el("ul", { class: "product-results order-results" });
  picker.replaceChildren(el("p", { class: "meta" }, t("pick_order")), results);
  picker.hidden = false;
  const { orders } = await api("GET", "/api/me/orders");
  results.replaceChildren(...(orders.length ? orders.slice(0, 10).map((o) => el("li", {}, el("button", { type: "button", "data-order": o.id,
    onclick: async () => {
      picker.hidden = true;
      await sendDraft({ type: "order", text: "", order: { id: o.id } });  // the server builds the card from my order
    } }, el("strong", {}, o.id), el("span", {}, o.status_label), el("span", { class: "meta" }, o.items.map((i) => i.title).join("、")))))
    : [el("li", { class: "empty" }, t("no_orders"))]));
}

async function suggestMentions(input, suggest) {
  const before = input.value.slice(0, input.selectionStart);
  const match = /@([\w\u3400-\u9fff]{0,20})$/u.exec(before);
  const group = state.current?.kind === "group" ? state.current : state.current?.group;
  if (!match || !group) { suggest.hidden = true; return; }
  const q = match[1].toLowerCase();
  // whoever wrote in what is loaded here first (the likeliest to be meant), then the group's members found by
  // name on the server, however many there are
  const members = (await api("GET", `/api/groups/${group.id}/members?limit=8${q ? `&q=${encodeURIComponent(q)}` : ""}`))
    .members.map((m) => m.user);
  if (input.value.slice(0, input.selectionStart) !== before) return;  // typing went on: a newer lookup answers
  const people = new Map([...state.messages.map((m) => state.users.get(m.author_id)), ...members]
    .filter((u) => u && u.role !== "bot" && u.id !== state.me.id).map((u) => [u.id, u]));
  const found = [...people.values()].filter((u) =>
    u.username.toLowerCase().startsWith(q) || u.display_name.toLowerCase().includes(q)).slice(0, 6);
  suggest.replaceChildren(...found.map((u) => el("li", {}, el("button", { type: "button", "data-username": u.username, onclick: () => {
    const start = before.length - match[0].length;
    input.value = `${input.value.slice(0, start)}@${u.username} ${input.value.slice(input.selectionStart)}`;
    input.focus();
    input.selectionStart = input.selectionEnd = start + u.username.length + 2;
    suggest.hidden = true;
  } }, avatar(u, "small"), u.display_name, el("span", { class: "meta" }, `@${u.username}`)))));
  suggest.hidden = found.length === 0;
}
