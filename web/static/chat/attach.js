// Pictures in the composer: chosen with 📷 (a file picker), pasted, or dropped onto the conversation; shown in a strip
// above the text box (this browser's own copy, an object URL), each uploaded as soon as it is chosen with its progress
// (XMLHttpRequest: fetch reports no upload progress), each removable; a refused one says why in words and can be
// removed. The composer sends the uploaded ones with what was typed as one picture message. What is chosen is kept
// per conversation while the page is open, through redraws and switching away and back, like the drafts.
import { t, errorText } from "../i18n.js";
import { state, el } from "../core.js";
import { rememberAddresses } from "../cards/image.js";

export const MAX_PICTURES = 9;
const MAX_BYTES = 10 * 1024 * 1024;  // the server's limit: said before sending the bytes
const chosen = new Map();  // conversation id -> [{ key, file, preview, progress, upload, error, xhr, done }]
let keys = 0;

const itemsOf = (conversationId) => chosen.get(conversationId) || [];
const strip = () => document.getElementById("attachments");

/** The 📷 button and its hidden file input. */
export function attachButton(conversationId) {
  const input = el("input", { type: "file", id: "picture-input", accept: "image/*", multiple: true, hidden: true,
                              "aria-label": t("attach_picture") });
  input.addEventListener("change", () => {
    addPictures(conversationId, [...input.files]);
    input.value = "";  // the same file can be chosen again
  });
  const button = el("button", { type: "button", id: "attach-picture", title: t("attach_picture"), "aria-label": t("attach_picture"),
                                onclick: () => input.click() }, "📷");
  return [button, input];
}

/** The strip of chosen pictures above the text box. */
export function attachStrip(conversationId) {
  const box = el("ul", { class: "attachments", id: "attachments", "data-conversation": conversationId, "aria-label": t("chosen_pictures") });
  drawStrip(box);
  return box;
}

function drawStrip(box = strip()) {
  if (!box) return;
  const items = itemsOf(box.dataset.conversation);
  box.replaceChildren(...items.map(itemNode));
  box.hidden = items.length === 0;
}

function itemNode(item) {
  const preview = el("img", { class: "preview", src: item.preview, alt: item.file.name || t("attach_picture") });
  // a picture this browser can't show (HEIC), or no picture at all: a placeholder (the server reads the bytes and says)
  preview.addEventListener("error", () => preview.replaceWith(el("span", { class: "preview unshown", "aria-hidden": "true" }, "📷")));
  const node = el("li", { class: "attachment", "data-key": item.key },
    preview,
    el("progress", { max: 100, value: 0, "aria-label": t("upload_progress") }),
    el("p", { class: "error", role: "alert" }),
    el("button", { type: "button", class: "remove", "aria-label": t("remove_picture"), title: t("remove_picture"),
                   onclick: () => removePicture(item) }, "×"));
  drawItem(item, node);
  return node;
}

function drawItem(item, node = strip()?.querySelector(`[data-key="${item.key}"]`)) {
  if (!node) return;
  const bar = node.querySelector("progress");
  bar.value = Math.round((item.progress || 0) * 100);
  bar.hidden = Boolean(item.upload || item.error);
  node.classList.toggle("uploading", !item.upload && !item.error);
  node.classList.toggle("uploaded", Boolean(item.upload));
  node.classList.toggle("failed", Boolean(item.error));
  node.querySelector(".error").textContent = item.error ? errorText(item.error) : "";
}

/** Pictures chosen, pasted or dropped: each shown and uploaded at once, up to nine a message. */
export function addPictures(conversationId, files) {
  const items = itemsOf(conversationId);
  const room = MAX_PICTURES - items.length;
  const pictures = files.filter(Boolean);
  if (!pictures.length) return;
  say(pictures.length > room ? t("pictures_max", { n: MAX_PICTURES }) : "");
  for (const file of pictures.slice(0, Math.max(0, room))) {
    const item = { key: `p${++keys}`, file, preview: URL.createObjectURL(file), progress: 0 };
    items.push(item);
    if (file.size === 0) item.error = { code: "empty_file" };
    else if (file.size > MAX_BYTES) item.error = { code: "upload_too_large" };
    else if (file.type && !file.type.startsWith("image/")) item.error = { code: "unsupported_media_type" };
    if (item.error) item.done = Promise.resolve();
    else upload(item);
  }
  chosen.set(conversationId, items);
  drawStrip();
}

function upload(item) {
  item.done = new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    item.xhr = xhr;
    const finish = () => { item.xhr = null; drawItem(item); resolve(); };
    xhr.open("POST", "/api/uploads");
    if (state.token) xhr.setRequestHeader("Authorization", `Bearer ${state.token}`);
    xhr.upload.addEventListener("progress", (e) => {
      if (!e.lengthComputable) return;
      item.progress = e.loaded / e.total;
      drawItem(item);
    });
    xhr.addEventListener("load", () => {
      let data = {};
      try { data = JSON.parse(xhr.responseText); } catch { /* the code below */ }
      if (xhr.status === 200 && data.upload) {
        item.upload = data.upload;
        rememberAddresses(data.upload);  // my own picture shows in the list without asking for its addresses
      } else {
        item.error = data.error || { code: xhr.status === 413 ? "upload_too_large" : "default" };
      }
      finish();
    });
    xhr.addEventListener("error", () => { item.error = { code: "offline" }; finish(); });
    xhr.addEventListener("abort", () => resolve());
    const form = new FormData();
    form.append("file", item.file, item.file.name || "picture");
    xhr.send(form);
  });
}

function removePicture(item) {
  for (const [conversationId, items] of chosen) {
    const at = items.indexOf(item);
    if (at < 0) continue;
    items.splice(at, 1);
    if (!items.length) chosen.delete(conversationId);
  }
  item.xhr?.abort();
  URL.revokeObjectURL(item.preview);
  say("");
  drawStrip();
}

function say(text) {
  const box = document.getElementById("send-error");
  if (box) box.textContent = text;
}

export const hasPictures = (conversationId) => itemsOf(conversationId).length > 0;

/** What the send button sends: the uploaded pictures, once every chosen one is up (waiting for those still on their
 *  way). null: no picture chosen; false: not now (one was refused: remove it first, or none is left). */
export async function readyPictures(conversationId) {
  if (!hasPictures(conversationId)) return null;
  if (itemsOf(conversationId).some((i) => !i.upload && !i.error)) {
    say(t("pictures_uploading"));
    while (itemsOf(conversationId).some((i) => !i.upload && !i.error)) await Promise.all(itemsOf(conversationId).map((i) => i.done));
    say("");
  }
  const items = itemsOf(conversationId);
  if (items.some((i) => i.error)) { say(t("pictures_remove_failed")); return false; }
  return items.length ? items : false;
}

/** Out of the strip while the message goes out; putBack() if it was refused, release() once it is sent. */
export function takePictures(conversationId) {
  const items = itemsOf(conversationId);
  chosen.delete(conversationId);
  drawStrip();
  return items;
}

export function putBack(conversationId, items) {
  chosen.set(conversationId, [...items, ...itemsOf(conversationId)].slice(0, MAX_PICTURES));
  drawStrip();
}

export function release(items) {
  for (const item of items) URL.revokeObjectURL(item.preview);
}

/** Pasted pictures (a screenshot, a copied photo) join the chosen ones; pasted words paste as ever. */
export function pastePictures(conversationId, e) {
  const files = [...(e.clipboardData?.files || [])].filter((f) => f.type.startsWith("image/"));
  if (!files.length) return;
  if (!e.clipboardData.types.includes("text/plain")) e.preventDefault();
  addPictures(conversationId, files);
}

// -- dropped onto the conversation ------------------------------------------------------------------------------------

const carriesFiles = (e) => [...(e.dataTransfer?.types || [])].includes("Files");

/** Where a dropped file lands: the open conversation whose composer may take pictures now, or nothing. */
function dropZone(target) {
  const pane = target instanceof Element ? target.closest("section.chat") : null;
  const form = pane?.querySelector("form.composer");
  if (!form || form.classList.contains("is-silenced") || !form.querySelector("#attach-picture")) return null;
  return pane;
}

let dragged = null;
function dragOver(e) {
  if (!carriesFiles(e)) return;
  e.preventDefault();  // a file dropped anywhere else must not open in place of the page (what is typed would be lost)
  const pane = dropZone(e.target);
  e.dataTransfer.dropEffect = pane ? "copy" : "none";
  if (dragged !== pane) {
    dragged?.classList.remove("drop-here");
    dragged = pane;
    if (pane) { pane.dataset.drop = t("drop_pictures"); pane.classList.add("drop-here"); }
  }
}

function dragEnd(e) {
  if (e.type === "dragleave" && e.relatedTarget && document.contains(e.relatedTarget)) return;
  dragged?.classList.remove("drop-here");
  dragged = null;
}

function dropped(e) {
  if (!carriesFiles(e)) return;
  e.preventDefault();
  const pane = dropZone(e.target);
  dragEnd(e);
  const conversationId = pane?.querySelector("#attachments")?.dataset.conversation;
  if (conversationId) addPictures(conversationId, [...e.dataTransfer.files]);
}

document.addEventListener("dragenter", dragOver);
document.addEventListener("dragover", dragOver);
document.addEventListener("dragleave", dragEnd);
document.addEventListener("drop", dropped);
