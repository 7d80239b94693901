// Topic threads (话题) of a group: the list (a 晒单 / 种草 badge, 已购 as the server says it, never this page), starting
// one (a plain topic, or a 晒单 / 种草 about a product picked from the catalogue, with pictures: chat/attach.js), and the
// group's 晒单墙: a grid of each 晒单's first picture, newest first; tapping a tile opens the thread, whose pictures open in
// the lightbox there. The gallery's addresses come signed for me with the list (GET /api/groups/{id}/showcase).
import { t, errorText } from "./i18n.js";
import { state, el, api, hooks, latestInto } from "./core.js";
import { openChat } from "./chat.js";
import { productLine } from "./cards/product.js";
import { rememberAddresses } from "./cards/image.js";
import { attachButton, attachStrip, readyPictures, takePictures, putBack, release } from "./chat/attach.js";

const TAGS = { showcase: () => t("tag.showcase"), recommend: () => t("tag.recommend") };
const GALLERY_PAGE = 12;
const picturesKey = (group) => `new-thread:${group.id}`;  // what attach.js keeps the chosen pictures under
let cameFrom = "list";  // where ‹ in an open thread goes back to: the list or the 晒单墙

/** The 晒单 / 种草 badge and 已购 of a thread, in the list, on a tile and in the open thread's title. */
export function threadBadges(th, { product = false } = {}) {
  if (!th?.tag || !TAGS[th.tag]) return null;
  return el("span", { class: "thread-badges" },
    el("span", { class: `tag-badge ${th.tag}` }, TAGS[th.tag]()),
    th.purchased ? el("span", { class: "bought", title: t("bought_hint") }, t("bought")) : null,
    // in the open thread's header: which product the 晒单 / 种草 is about
    product && th.product ? el("span", { class: "thread-product header-product" }, th.product.title) : null);
}

// -- the list ---------------------------------------------------------------------------------------------------------

export async function showThreads(group) {
  const threads = (await api("GET", `/api/groups/${group.id}/threads`)).threads;
  state.threadsOf = { group, threads, view: "list" };
  cameFrom = "list";
  state.current = group;
  state.view = "chat";
  hooks.render();
}

/** A new thread while the list is open: only the list is redrawn, not a topic being written below it. */
export async function refreshThreads(group) {
  const threads = (await api("GET", `/api/groups/${group.id}/threads`)).threads;
  if (state.threadsOf?.group !== group || state.threadsOf.view !== "list") return;
  state.threadsOf.threads = threads;
  document.getElementById("thread-list")?.replaceChildren(...threadItems(group, threads));
}

/** thread:new (and a message in a thread) while this group's topics or its 晒单墙 are open. */
export function threadArrived(th) {
  const open = state.threadsOf;
  if (open?.group.id !== th.group_id) return;
  if (open.view === "showcase") { if (th.tag === "showcase") refreshShowcase(open.group); return; }
  refreshThreads(open.group);
}

export function threadMessage(m) {
  const open = state.threadsOf;
  // a 晒单's pictures can come after the thread (a first post still being checked, a later picture message)
  if (open?.view === "showcase" && m.type === "image" && open.items?.some((i) => i.thread.id === m.conversation_id)) {
    refreshShowcase(open.group);
  }
}

const threadItems = (group, threads) => threads.map((th) => el("li", {},
  el("button", { type: "button", class: "thread", "data-thread": th.id, onclick: () => openThread(group, th) },
     el("strong", {}, th.pinned ? "📌 " : "", threadBadges(th), th.title, th.closed ? ` · ${t("closed")}` : ""),
     th.product ? el("span", { class: "thread-product" }, productLine(th.product)) : null,
     el("span", { class: "meta" }, `${t("replies")} ${th.reply_count} · 👍 ${th.like_count}`))));

function viewTabs(group, at) {
  return el("span", { class: "tools thread-tabs" },
    el("button", { type: "button", id: "open-thread-list", class: at === "list" ? "on" : "", "aria-pressed": String(at === "list"),
                   onclick: () => showThreads(group) }, t("threads")),
    el("button", { type: "button", id: "open-showcase", class: at === "showcase" ? "on" : "", "aria-pressed": String(at === "showcase"),
                   onclick: () => showShowcase(group) }, t("showcase_wall")));
}

function title(group, at) {
  return el("h2", { class: "chat-title" },
    el("button", { type: "button", class: "back always", onclick: () => { state.threadsOf = null; openChat(group); } }, "‹"),
    el("span", { class: "title" }, `${group.name} · ${at === "showcase" ? t("showcase_wall") : t("threads")}`),
    viewTabs(group, at));
}

export function threadsPane(open) {
  return open.view === "showcase" ? showcasePane(open) : threadList(open);
}

function threadList({ group, threads }) {
  return [title(group, "list"), el("ul", { id: "thread-list", class: "threads" }, threadItems(group, threads)), newThreadForm(group)];
}

// -- starting one -------------------------------------------------------------------------------------------------------

function newThreadForm(group) {
  const key = picturesKey(group);
  let product = null;
  const heading = el("input", { name: "title", maxlength: 120, placeholder: t("thread_title"), required: true });
  const text = el("textarea", { name: "text", rows: 2, maxlength: 4000, placeholder: t("write") });
  const error = el("p", { class: "error", role: "alert", id: "send-error" });
  const kind = el("select", { name: "tag", id: "thread-tag", "aria-label": t("thread_kind") },
    el("option", { value: "" }, t("tag.none")),
    el("option", { value: "showcase" }, t("tag.showcase")),
    el("option", { value: "recommend" }, t("tag.recommend")));
  const chosen = el("div", { class: "chosen-product", id: "thread-product", hidden: true });
  const q = el("input", { type: "search", name: "product_q", id: "thread-product-q", placeholder: t("product_search"),
                          "aria-label": t("product_search") });
  const results = el("ul", { class: "product-results", id: "thread-product-results" });
  const picker = el("div", { class: "thread-product-picker", hidden: true }, el("label", { class: "meta" }, t("about_product")), chosen, q, results);
  const search = latestInto(results, () => api("GET", `/api/products?q=${encodeURIComponent(q.value.trim())}&limit=6`), ({ products }) => {
    results.replaceChildren(...(products.length ? products.map((p) => el("li", {}, el("button", { type: "button", "data-sku": p.sku,
      onclick: () => pick(p) }, productLine(p)))) : [el("li", { class: "empty" }, t("nothing_found"))]));
  });
  const pick = (p) => {
    product = p;
    chosen.replaceChildren(...(p ? [el("span", { class: "meta" }, t("product_chosen")), ...productLine(p),
      el("button", { type: "button", class: "remove", "aria-label": t("remove_product"), title: t("remove_product"),
                     onclick: () => pick(null) }, "×")] : []));
    chosen.hidden = !p;
    q.hidden = results.hidden = Boolean(p);
    error.textContent = "";
  };
  let searched = false;
  kind.addEventListener("change", () => {
    picker.hidden = !kind.value;
    if (kind.value && !searched) { searched = true; search(); }
  });
  q.addEventListener("keydown", (e) => { if (e.key === "Enter" && !e.isComposing) { e.preventDefault(); search(); } });
  q.addEventListener("input", () => search());
  let sending = false;
  const form = el("form", { class: "new-thread", onsubmit: async (e) => {
    e.preventDefault();
    if (sending) return;
    error.textContent = "";
    if (kind.value === "showcase" && !product) { error.textContent = t("error.product_required"); return; }
    sending = true;
    try {
      const pictures = await readyPictures(key);
      if (pictures === false) return;  // one was refused (it says why): remove it first
      if (!text.value.trim() && !pictures) { error.textContent = t("thread_needs_words"); return; }
      const body = { title: heading.value.trim(), text: text.value.trim(),
                     ...(kind.value ? { tag: kind.value } : {}), ...(kind.value && product ? { product_id: product.sku } : {}),
                     ...(pictures ? { type: "image", images: pictures.map((p) => ({ upload_id: p.upload.id })) } : {}) };
      if (pictures) takePictures(key);
      try {
        const data = await api("POST", `/api/groups/${group.id}/threads`, body);
        if (pictures) release(pictures);
        await openThread(group, data.thread);
      } catch (err) {
        if (pictures) putBack(key, pictures);
        error.textContent = errorText(err);
      }
    } finally { sending = false; }
  } },
    el("div", { class: "new-thread-row" }, kind, heading),
    picker, text, attachStrip(key),
    el("div", { class: "new-thread-row" }, attachButton(key), el("button", { type: "submit", id: "start-thread" }, t("new_thread"))),
    error);
  return form;
}

/** ‹ in an open thread: back to where it was opened from. */
export const backToThreads = (group) => (cameFrom === "showcase" ? showShowcase(group) : showThreads(group));

export async function openThread(group, thread) {
  const full = (await api("GET", `/api/threads/${thread.id}`)).thread;
  await openChat({ ...full, name: full.title, kind: "thread", group });
}

// -- the 晒单墙 -----------------------------------------------------------------------------------------------------------

export async function showShowcase(group) {
  const data = await api("GET", `/api/groups/${group.id}/showcase?limit=${GALLERY_PAGE}`);
  keepAddresses(data.showcase);
  state.threadsOf = { group, view: "showcase", items: data.showcase, next: data.next_offset };
  cameFrom = "showcase";
  state.current = group;
  state.view = "chat";
  hooks.render();
}

/** A new 晒单 while the gallery is open: the first page again, and only the grid redrawn. */
async function refreshShowcase(group) {
  const data = await api("GET", `/api/groups/${group.id}/showcase?limit=${GALLERY_PAGE}`);
  keepAddresses(data.showcase);
  const open = state.threadsOf;
  if (open?.group !== group || open.view !== "showcase") return;
  Object.assign(open, { items: data.showcase, next: data.next_offset });
  drawGrid(open);
}

/** The addresses came signed for me with the list: the thread's own picture grid uses them without asking again. */
function keepAddresses(items) {
  for (const item of items) {
    for (const p of item.pictures) rememberAddresses({ id: p.upload_id, url: p.url, thumb_url: p.thumb_url, width: p.width, height: p.height });
  }
}

function tile(group, item) {
  const th = item.thread, first = item.pictures[0];
  const cover = first
    ? el("img", { class: "tile-picture", src: first.thumb_url, alt: th.title, decoding: "async", draggable: "false" })
    : el("span", { class: "tile-picture none", "aria-hidden": "true" }, "🛍");
  if (first) {
    cover.addEventListener("load", () => cover.classList.add("loaded"));
    cover.addEventListener("error", () => cover.classList.add("broken"));
  }
  return el("li", {}, el("button", { type: "button", class: "tile", "data-thread": th.id, onclick: () => openThread(group, th) },
    cover,
    item.picture_count > 1 ? el("span", { class: "tile-count", "aria-label": t("pictures_count", { n: item.picture_count }) },
                                `${item.picture_count}`) : null,
    el("span", { class: "tile-text" },
      el("strong", { class: "tile-title" }, th.title),
      threadBadges(th),
      th.product ? el("span", { class: "tile-product" }, th.product.title) : null)));
}

function drawGrid(open, grid = document.getElementById("showcase-grid"), more = document.getElementById("showcase-more")) {
  if (!grid) return;
  grid.replaceChildren(...(open.items.length ? open.items.map((i) => tile(open.group, i))
    : [el("li", { class: "empty" }, t("showcase_empty"))]));
  if (more) more.hidden = open.next === null || open.next === undefined;
}

/** The wall pages by itself: when the end of the grid comes near (IntersectionObserver on 加载更多, within 300 px of
 *  the pane's bottom) the next page is fetched; the button stays for keyboards and where there is no observer. */
function showcasePane(open) {
  let loading = false;
  const loadMore = async () => {
    if (loading || open.next === null || open.next === undefined) return;
    loading = true;
    more.disabled = true;
    try {
      const data = await api("GET", `/api/groups/${open.group.id}/showcase?limit=${GALLERY_PAGE}&offset=${open.next}`);
      keepAddresses(data.showcase);
      const seen = new Set(open.items.map((i) => i.thread.id));
      open.items.push(...data.showcase.filter((i) => !seen.has(i.thread.id)));
      open.next = data.next_offset;
      if (state.threadsOf === open) drawGrid(open);
    } catch { /* the button is still there to try again */ } finally {
      loading = false;
      more.disabled = false;
    }
    if (observer && !more.hidden) { observer.unobserve(more); observer.observe(more); }  // still in sight: the next one too
  };
  const more = el("button", { type: "button", id: "showcase-more", class: "more", onclick: loadMore }, t("load_more"));
  const grid = el("ul", { id: "showcase-grid", class: "showcase-grid", "aria-label": t("showcase_wall") });
  const pane = el("div", { class: "showcase-pane" }, grid, more);
  const observer = "IntersectionObserver" in window ? new IntersectionObserver((entries) => {
    if (!more.isConnected) return observer.disconnect();  // the wall was left
    if (entries.some((e) => e.isIntersecting) && !more.hidden) loadMore();
  }, { root: pane, rootMargin: "0px 0px 300px 0px" }) : null;
  observer?.observe(more);
  drawGrid(open, grid, more);
  return [title(open.group, "showcase"), pane];
}
