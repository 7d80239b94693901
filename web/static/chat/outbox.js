// Sending: now, or kept in the outbox while offline and sent once when back online; the unsent shown under
// the list; send errors; the outbox and the drafts kept in this browser per user.
import { t, errorText } from "../i18n.js";
import { state, el, messagePreview } from "../core.js";
import { scroller, upsert } from "./list.js";

export function showSendError(error) {
  const box = document.getElementById("send-error");
  if (box) box.textContent = error ? errorText(error) : "";
}

/** Sends now, or keeps the draft in the outbox while offline; it is sent once when back online (the
 *  server recognises a resend by its client_msg_id). Resolves true unless the server refused it. */
export async function sendDraft(draft, conversationId = state.current.conversation_id) {
  const item = { conversation_id: conversationId, ...draft, client_msg_id: crypto.randomUUID() };
  if (!state.socket?.connected) {
    state.outbox.push(item);
    saveOutbox();
    renderPending();
    return true;
  }
  return deliver(item);
}

async function deliver(item) {
  let ack;
  try {
    ack = await state.socket.timeout(10000).emitWithAck("message:send", item);
  } catch {  // no answer: keep it and send it again when the connection is back
    if (!state.outbox.some((x) => x.client_msg_id === item.client_msg_id)) { state.outbox.push(item); saveOutbox(); }
    renderPending();
    return true;
  }
  if (ack.ok) { showSendError(null); upsert(ack.message); return true; }
  if (item.conversation_id === state.current?.conversation_id) showSendError(ack.error);
  return false;
}

export async function flushOutbox() {
  while (state.outbox.length && state.socket?.connected) {
    const item = state.outbox[0];
    let ack;
    try { ack = await state.socket.timeout(10000).emitWithAck("message:send", item); } catch { return; }
    state.outbox.shift();
    saveOutbox();
    if (ack.ok) {
      if (ack.message.conversation_id === state.current?.conversation_id) upsert(ack.message);
    } else {  // refused when it finally went out: back in that conversation's composer, to change and resend
      if (item.text && !state.drafts[item.conversation_id]) keepDraft(item.conversation_id, item.text);
      if (item.conversation_id === state.current?.conversation_id) {
        showSendError(ack.error);
        const box = document.getElementById("composer");
        if (box && !box.value) box.value = item.text;
      }
    }
    renderPending();
  }
}

// kept in this browser per user: the outbox, and the drafts (what is typed and not sent, per conversation,
// kept when switching away and back, through redraws and reloads)
const outboxKey = () => `outbox:${state.me.id}`;
const draftsKey = () => `drafts:${state.me.id}`;
export function loadKept() {
  try { state.outbox = JSON.parse(localStorage.getItem(outboxKey()) || "[]"); } catch { state.outbox = []; }
  try { state.drafts = JSON.parse(localStorage.getItem(draftsKey()) || "{}"); } catch { state.drafts = {}; }
}
function saveOutbox() { localStorage.setItem(outboxKey(), JSON.stringify(state.outbox)); }
export function keepDraft(conversationId, text) {
  if (text) state.drafts[conversationId] = text; else delete state.drafts[conversationId];
  localStorage.setItem(draftsKey(), JSON.stringify(state.drafts));
}

export function dropPending(clientMsgId) {
  if (!clientMsgId) return;
  document.querySelector(`#pending [data-client="${CSS.escape(clientMsgId)}"]`)?.remove();
}

export function renderPending() {
  const box = document.getElementById("pending");
  if (!box) return;
  box.replaceChildren(...state.outbox.filter((x) => x.conversation_id === state.current?.conversation_id).map((x) =>
    el("li", { class: "message mine pending", "data-client": x.client_msg_id },
       el("p", { class: "text" }, messagePreview(x)), el("span", { class: "held" }, t("unsent")))));
  const s = scroller();
  if (s) s.scrollTop = s.scrollHeight;
}
