// A picture at full size over the page, for the pictures of one message: ‹ › buttons, the arrow keys and a swipe
// (pointer events: a finger, a pen or a mouse) move through them; Esc, × or a tap beside the picture closes it.
// It lives on <body>, outside the screens that redraw, so a live message arriving doesn't close it.
import { t } from "./i18n.js";
import { el } from "./core.js";

const SWIPE = 50;  // px sideways that count as a swipe
let current = null;

export function closeLightbox() {
  current?.close();
}

/** `pictures`: [{upload_id, width, height}], `start`: the index shown first, `addressOf(id, renew)`: the addresses. */
export function openLightbox(pictures, start, addressOf) {
  closeLightbox();
  const opener = document.activeElement;
  const total = pictures.length;
  let at = start;
  const img = el("img", { class: "lightbox-picture", draggable: "false", alt: "" });
  const stage = el("div", { class: "lightbox-stage" }, img);
  const counter = el("span", { class: "lightbox-count", "aria-live": "polite" });
  const prev = el("button", { type: "button", class: "lightbox-prev", "aria-label": t("prev_picture"), title: t("prev_picture"),
                              onclick: () => go(-1) }, "‹");
  const next = el("button", { type: "button", class: "lightbox-next", "aria-label": t("next_picture"), title: t("next_picture"),
                              onclick: () => go(1) }, "›");
  const close = el("button", { type: "button", class: "lightbox-close", "aria-label": t("close"), title: t("close"),
                               onclick: () => done() }, "×");
  const box = el("div", { class: "lightbox", id: "lightbox", role: "dialog", "aria-modal": "true",
                          "aria-label": t("picture_viewer"), "data-failed": t("picture_failed") }, stage, counter, prev, next, close);
  prev.hidden = next.hidden = total < 2;

  let renewed = false;
  function show() {
    const p = pictures[at];
    box.dataset.index = String(at);
    box.dataset.upload = p.upload_id;
    counter.textContent = total > 1 ? `${at + 1} / ${total}` : "";
    prev.disabled = at === 0;
    next.disabled = at === total - 1;
    img.alt = t("picture_n", { n: at + 1, total });
    img.classList.remove("loaded");
    img.removeAttribute("src");
    if (p.width && p.height) { img.width = p.width; img.height = p.height; }  // its shape before it arrives
    renewed = false;
    load(false);
  }
  function load(renew) {
    const shown = at;
    addressOf(pictures[shown].upload_id, renew).then((a) => {
      if (shown !== at || !current) return;
      if (a) img.src = a.url;
      else box.classList.add("broken");
    });
  }
  img.addEventListener("load", () => { img.classList.add("loaded"); box.classList.remove("broken"); });
  img.addEventListener("error", () => {
    if (!img.getAttribute("src")) return;
    if (renewed) { box.classList.add("broken"); return; }
    renewed = true;  // an expired address: once with new ones
    load(true);
  });
  function go(step) {
    const to = Math.min(total - 1, Math.max(0, at + step));
    if (to === at) return;
    at = to;
    box.classList.remove("broken");
    show();
  }

  // a swipe: the picture follows the finger, and moves on past SWIPE px; a tap beside the picture closes
  let down = null;
  stage.addEventListener("pointerdown", (e) => {
    if (e.button > 0) return;
    down = { x: e.clientX, y: e.clientY, id: e.pointerId, onPicture: e.target === img };
    stage.setPointerCapture?.(e.pointerId);
  });
  stage.addEventListener("pointermove", (e) => {
    if (!down || e.pointerId !== down.id) return;
    img.style.transform = `translateX(${e.clientX - down.x}px)`;
  });
  const release = (e, cancelled) => {
    if (!down || e.pointerId !== down.id) return;
    const dx = e.clientX - down.x, dy = e.clientY - down.y;
    const was = down;
    down = null;
    img.style.transform = "";
    if (cancelled) return;
    if (Math.abs(dx) > SWIPE && Math.abs(dx) > Math.abs(dy)) go(dx < 0 ? 1 : -1);
    else if (Math.abs(dx) < 10 && Math.abs(dy) < 10 && !was.onPicture) done();
  };
  stage.addEventListener("pointerup", (e) => release(e, false));
  stage.addEventListener("pointercancel", (e) => release(e, true));

  const keys = (e) => {
    if (e.key === "Escape") { e.preventDefault(); done(); }
    else if (e.key === "ArrowLeft") { e.preventDefault(); go(-1); }
    else if (e.key === "ArrowRight") { e.preventDefault(); go(1); }
    else if (e.key === "Tab") {  // the focus stays in the viewer while it is open
      const stops = [prev, next, close].filter((b) => !b.hidden && !b.disabled);
      const i = stops.indexOf(document.activeElement);
      e.preventDefault();
      stops[(i + (e.shiftKey ? stops.length - 1 : 1)) % stops.length]?.focus();
    }
  };
  function done() {
    if (current !== handle) return;
    current = null;
    document.removeEventListener("keydown", keys, true);
    box.remove();
    document.body.classList.remove("has-lightbox");
    if (opener?.isConnected) opener.focus();
  }
  const handle = { close: done };
  current = handle;
  document.addEventListener("keydown", keys, true);
  document.body.append(box);
  document.body.classList.add("has-lightbox");
  show();
  close.focus();
}
