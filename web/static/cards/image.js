// A picture message (晒单, 种草, a damage photo sent to support): its thumbnails, one large or 2–9 in a grid of three
// columns, each opening the lightbox. The card carries upload ids and shapes only (one payload goes to every reader);
// each reader's own addresses come from POST /api/uploads/addresses, asked once for every picture drawn in the same
// turn (a whole window of messages is one request), kept per id, and asked again when older than 50 minutes (they
// live one to two hours) or when a picture fails to load (an expired address: 403 media_expired).
import { t } from "../i18n.js";
import { el, api } from "../core.js";
import { openLightbox } from "../lightbox.js";

const FRESH_MS = 50 * 60 * 1000;
const ASK_AT_MOST = 100;  // ids per request, the route's limit
const known = new Map();  // upload id -> its addresses for me, with when they came (at)
const asking = new Map(); // upload id -> the promise of its addresses, while a request is on its way
let batch = null;         // upload id -> resolver, for the request this turn sends

/** Addresses that came another way (my own upload's answer): no need to ask for them. */
export function rememberAddresses(upload) {
  if (upload?.id) known.set(upload.id, { ...upload, at: Date.now() });
}

/** My addresses of one upload (null: I may not see it, or the request failed), from what is kept while fresh.
 *  `renew`: the kept ones failed to load, ask again. */
export function addressOf(uploadId, renew = false) {
  if (renew) known.delete(uploadId);
  const kept = known.get(uploadId);
  if (kept && Date.now() - kept.at < FRESH_MS) return Promise.resolve(kept);
  if (asking.has(uploadId)) return asking.get(uploadId);
  if (!batch) {
    batch = new Map();
    queueMicrotask(askBatch);  // after everything drawn in this turn has asked
  }
  const promise = new Promise((resolve) => batch.set(uploadId, resolve));
  asking.set(uploadId, promise);
  return promise;
}

async function askBatch() {
  const wanted = batch;
  batch = null;
  const ids = [...wanted.keys()];
  for (let i = 0; i < ids.length; i += ASK_AT_MOST) {
    const part = ids.slice(i, i + ASK_AT_MOST);
    let found = {};
    try { found = (await api("POST", "/api/uploads/addresses", { upload_ids: part })).uploads || {}; } catch { /* null below */ }
    for (const id of part) {
      if (found[id]) rememberAddresses(found[id]);
      asking.delete(id);
      wanted.get(id)(found[id] ? known.get(id) : null);
    }
  }
}

// a single picture keeps its shape within 240 × 240 (never smaller than 60 on a side: a long panorama is cropped)
const LARGEST = 240, SMALLEST = 60;
function singleBox(width, height) {
  if (!width || !height) return [160, 160];
  const scale = Math.min(1, LARGEST / width, LARGEST / height);
  const side = (n) => Math.round(Math.min(LARGEST, Math.max(SMALLEST, n * scale)));
  return [side(width), side(height)];
}

/** One thumbnail: its box is sized before the picture arrives (from the card's width and height, or the grid's
 *  cell), so nothing in the list moves when it loads. */
function thumbnail(pictures, index, single) {
  const p = pictures[index];
  const total = pictures.length;
  const img = el("img", { alt: t("picture_n", { n: index + 1, total }), decoding: "async", draggable: "false" });
  const button = el("button", { type: "button", class: "pic", "data-upload": p.upload_id, "data-failed": t("picture_failed"),
                                "aria-label": t("open_picture", { n: index + 1, total }),
                                onclick: () => openLightbox(pictures, index, addressOf) }, img);
  if (single) {
    const [w, h] = singleBox(p.width, p.height);
    button.style.width = `${w}px`;  // through the CSSOM: the Content-Security-Policy refuses style attributes
    button.style.height = `${h}px`;
  }
  let renewed = false;
  const show = (renew) => addressOf(p.upload_id, renew).then((a) => {
    if (a) img.src = a.thumb_url;
    else button.classList.add("broken");
  });
  img.addEventListener("load", () => button.classList.add("loaded"));
  img.addEventListener("error", () => {
    if (renewed) { button.classList.add("broken"); return; }
    renewed = true;  // its address may have expired: once with new ones
    show(true);
  });
  show(false);
  return button;
}

/** The pictures of a message, `text` (its words, or null) under them. */
export function pictureGrid(m) {
  const pictures = m.card?.images || [];
  if (!pictures.length) return null;
  const single = pictures.length === 1;
  return el("div", { class: single ? "pictures single" : "pictures grid", "data-count": pictures.length },
            pictures.map((_, i) => thumbnail(pictures, i, single)));
}

export function imageCard(m, text) {
  const grid = m.card?.kind === "image" ? pictureGrid(m) : null;
  return grid ? el("div", { class: "picture-message" }, grid, text) : text;
}
