// The moderators' dashboard: the report queue with context, one-click actions with a reason, appeals,
// the audit log, each group's rules and the rule tester.
import { t, errorText, duration } from "./i18n.js";
import { state, hooks, el, api, loadUsers, nameOf, timeLabel, isPlatformModerator, groupModerator, groupStaff, ruleLabel,
         ruleCategory, matchedWords } from "./core.js";
import { messageItem } from "./chat.js";
import { sanctionLabel } from "./account.js";
import { pictureGrid } from "./cards/image.js";

const TABS = ["queue", "appeals", "audit", "rules", "tester"];
const WORD_CATEGORIES = ["diversion", "scam", "gambling", "porn", "drugs", "abuse", "counterfeit", "custom", "link"];
const AUDIT_ACTIONS = ["report", "hide", "dismiss", "delete", "warn", "mute", "kick", "ban", "lift", "appeal",
                       "appeal:upheld", "appeal:overturned", "rules:update", "engine:block", "engine:mask", "engine:flag", "engine:hold"];
const ENGINE = "engine";  // the actor of the rules engine's own verdicts

export async function showModeration(tab = state.mod.tab) {
  state.mod.tab = tab;
  state.view = "mod";
  const load = { queue: loadQueue, appeals: loadAppeals, audit: () => loadAudit({}), rules: () => loadRules(state.mod.rulesScope),
                 tester: async () => {} }[tab];
  await load();
  renderModeration();
}

/** A case or appeal changed somewhere: the lists follow, but what a moderator is writing stays. */
export async function caseEvent() {
  if (state.view !== "mod") return;
  if (state.mod.tab === "queue") {
    await loadQueue();
    const nav = document.querySelector("main.moderation nav.queue");
    if (!state.mod.openCase || !nav) return renderModeration();
    nav.replaceWith(caseList());
  } else if (state.mod.tab === "appeals") {
    const typing = [...document.querySelectorAll("#appeal-list input")].some((input) => input.value);
    if (!typing) showModeration("appeals");
  }
}

function renderModeration() {
  if (state.view !== "mod") return;
  const tab = state.mod.tab;
  const body = { queue: queuePane, appeals: appealsPane, audit: auditPane, rules: rulesPane, tester: testerPane }[tab]();
  hooks.shell(el("main", { class: "moderation" },
    el("nav", { class: "mod-tabs", role: "tablist" }, TABS.map((name) => el("button", {
      type: "button", role: "tab", class: name === tab ? "tab active" : "tab", "data-tab": name, "aria-selected": String(name === tab),
      onclick: () => showModeration(name) }, t(`mod.${name}`)))),
    body));
}

// -- the queue -------------------------------------------------------------------------------------------------

async function loadQueue() {
  state.mod.cases = (await api("GET", "/api/moderation/cases")).cases;
  if (state.mod.openCase && !state.mod.cases.find((c) => c.id === state.mod.openCase.id)) state.mod.openCase = null;
}

async function openCase(id) {
  const c = (await api("GET", `/api/moderation/cases/${id}`)).case;
  state.mod.openCase = c;
  await loadUsers([...(c.context || []).map((m) => m.author_id), ...c.reports.map((r) => r.reporter_id)]);
  renderModeration();
}

function caseList() {
  const c = state.mod.openCase;
  return el("nav", { class: "queue", "aria-label": t("mod.queue") },
    state.mod.cases.length ? el("ul", { id: "case-list" }, state.mod.cases.map((k) => el("li", {},
      el("button", { type: "button", class: c?.id === k.id ? "case active" : "case", "data-case": k.id, onclick: () => openCase(k.id) },
        el("span", { class: "snapshot" }, k.snapshot || k.author?.display_name || k.target_id),
        el("span", { class: "meta" }, `${t("score")} ${k.score} · ${t("reports")} ${k.report_count}`,
           caseRule(k) ? ` · ${caseRule(k)}` : "", k.hidden ? ` · ${t("hidden_short")}` : "")))))
      : el("p", { class: "empty" }, t("queue_empty")));
}

/** What a case is about, in words: the rule the engine flagged it by (假货（卖高仿）), or what its reports say (举报：引流). */
const caseRule = (c) => c.rule ? ruleLabel(c.rule)
  : c.categories?.length ? t("rule.report", { what: c.categories.map(ruleCategory).join(t("rule.sep")) }) : "";

function queuePane() {
  const c = state.mod.openCase;
  return el("div", { class: "mod-body" }, caseList(),
    el("section", { class: "case-detail" }, c ? caseDetail(c) : el("p", { class: "empty" }, t("pick_case_mod"))));
}

function reasonBox(id) {
  return el("input", { id, maxlength: 500, placeholder: t("action_reason"), "aria-label": t("action_reason") });
}

function caseDetail(c) {
  const reason = reasonBox("action-reason");
  const status = el("p", { class: "error", role: "alert", id: "action-error" });
  const act = async (action, duration) => {
    if (action !== "dismiss" && !reason.value.trim()) { status.textContent = t("need_reason"); reason.focus(); return; }
    try {
      await api("POST", `/api/moderation/cases/${c.id}/actions`, { action, reason: reason.value.trim(), duration,
                                                                   ...(removeToo.checked && action !== "delete" ? { delete_message: true } : {}) });
      state.mod.openCase = null;
      await showModeration("queue");
    } catch (err) { status.textContent = errorText(err); }
  };
  const button = (label, action, duration) => el("button", { type: "button", "data-action": action + (duration ? `-${duration}` : ""),
                                                              onclick: () => act(action, duration) }, label);
  const removeToo = el("input", { type: "checkbox", id: "delete-message" });
  const author = c.author?.user;
  return [
    el("h3", {}, author?.display_name || nameOf(c.author_id), " · ", `${t("score")} ${c.score}`, caseRule(c) ? ` · ${caseRule(c)}` : ""),
    c.message_id ? [el("h4", {}, t("context")),
      el("ol", { class: "message-list context" }, (c.context || []).map((m) => {
        const item = messageItem(m);
        item.querySelector(".acts")?.remove();
        if (m.id === c.message_id) item.classList.add("reported");
        return item;
      }))] : el("p", { class: "meta" }, t("user_report")),
    c.pictures?.length ? pictureReadings(c) : null,
    el("h4", {}, t("reports")),
    el("ul", { class: "reports" }, c.reports.map((r) => el("li", {},
      `${nameOf(r.reporter_id)} · ${t(`cat.${r.category}`)} · ${t("weight")} ${r.weight}`, r.note ? el("q", {}, r.note) : null))),
    el("h4", {}, t("author_history")),
    el("ul", { class: "history" }, (c.author?.sanctions || []).length ? c.author.sanctions.map(sanctionLine)
      : el("li", { class: "meta" }, t("clean_record"))),
    el("div", { class: "actions" }, reason,
       c.message_id ? el("label", { class: "inline" }, removeToo, t("delete_too")) : null,
       button(t("act.dismiss"), "dismiss"), c.message_id ? button(t("act.delete"), "delete") : null, button(t("act.warn"), "warn"),
       ...["10m", "1h", "1d", "7d"].map((d) => button(`${t("act.mute")} ${t(`dur.${d}`)}`, "mute", d)),
       c.scope !== "platform" ? button(t("act.kick"), "kick") : null,
       button(`${t("act.ban")} ${t("dur.7d")}`, "ban", "7d"), button(t("act.ban_forever"), "ban", "permanent")),
    status,
  ];
}

/** A picture case: each picture of the message, with what its reading found next to it (二维码指向 …, 图中文字 …, 无法识别). */
function pictureReadings(c) {
  const images = c.message?.card?.images || [];
  return [el("h4", {}, t("picture_readings")),
    el("ul", { class: "picture-readings", id: "picture-readings" }, c.pictures.map((p) => {
      const image = images.find((i) => i.upload_id === p.upload_id);
      const lines = !p.read ? [el("p", { class: "meta" }, t("reading.pending"))]
        : p.error ? [el("p", { class: "reading-error" }, t("reading.unreadable"))]
        : [...p.codes.map((code) => el("p", { class: "reading-qr" }, el("strong", {}, t("reading.qr")), " ", el("span", { class: "found" }, code))),
           p.text ? el("p", { class: "reading-text" }, el("strong", {}, t("reading.text")), " ", el("q", { class: "found" }, p.text)) : null]
          .filter(Boolean);
      return el("li", { class: "picture-reading", "data-upload": p.upload_id },
        image ? pictureGrid({ card: { kind: "image", images: [image] } }) : null,
        el("div", { class: "reading" }, lines.length ? lines : el("p", { class: "meta" }, t("reading.nothing"))));
    }))];
}

function sanctionLine(s) {
  const item = el("li", { "data-sanction": s.id }, `${sanctionLabel(s)} · ${s.reason}`);
  if (s.in_force && ["mute", "ban"].includes(s.kind)) {
    item.append(" ", el("button", { type: "button", class: "lift", onclick: async (e) => {
      const button = e.currentTarget;
      const reason = document.getElementById("action-reason")?.value.trim();
      if (!reason) { document.getElementById("action-error").textContent = t("need_reason"); return; }
      try {
        await api("POST", `/api/moderation/sanctions/${s.id}/lift`, { reason });
        button.replaceWith(t("lifted"));
      } catch (err) { document.getElementById("action-error").textContent = errorText(err); }
    } }, t("lift")));
  }
  return item;
}

// -- appeals -----------------------------------------------------------------------------------------------------

async function loadAppeals() {
  state.mod.appeals = (await api("GET", "/api/moderation/appeals?state=open")).appeals;
  await loadUsers(state.mod.appeals.map((a) => a.user_id));
}

function appealsPane() {
  const appeals = state.mod.appeals || [];
  return el("section", { class: "pane" },
    el("ul", { class: "appeals", id: "appeal-list" }, appeals.length ? appeals.map((a) => {
      const reason = el("input", { maxlength: 500, placeholder: t("action_reason"), "aria-label": t("action_reason") });
      const status = el("span", { class: "error", role: "alert" });
      const decide = async (decision) => {
        if (!reason.value.trim()) { status.textContent = t("need_reason"); return; }
        try {
          await api("POST", `/api/moderation/appeals/${a.id}/decide`, { decision, reason: reason.value.trim() });
          await showModeration("appeals");
        } catch (err) { status.textContent = errorText(err); }
      };
      return el("li", { class: "appeal", "data-appeal": a.id },
        el("strong", {}, nameOf(a.user_id)), " · ", a.sanction ? sanctionLabel(a.sanction) : "",
        a.sanction ? el("p", { class: "meta" }, t("reason", { r: a.sanction.reason })) : null,
        el("blockquote", {}, a.text),
        el("div", { class: "actions" }, reason,
          el("button", { type: "button", "data-decision": "uphold", onclick: () => decide("uphold") }, t("uphold")),
          el("button", { type: "button", "data-decision": "overturn", onclick: () => decide("overturn") }, t("overturn")), status));
    }) : el("li", { class: "empty" }, t("no_appeals"))));
}

// -- the audit log -------------------------------------------------------------------------------------------------

async function loadAudit({ q = "", action = "" }) {
  const params = new URLSearchParams({ limit: "100", ...(q ? { q } : {}), ...(action ? { action } : {}) });
  state.mod.audit = { q, action, entries: (await api("GET", `/api/moderation/audit?${params}`)).entries };
  await loadUsers(state.mod.audit.entries.flatMap((e) => [e.actor_id === ENGINE ? null : e.actor_id,
                                                          e.target_kind === "user" ? e.target_id : null]));
}

function auditPane() {
  const { q, action, entries } = state.mod.audit;
  const query = el("input", { type: "search", name: "q", value: q, placeholder: t("audit_search"), "aria-label": t("audit_search") });
  const kind = el("select", { name: "action", "aria-label": t("action") }, el("option", { value: "" }, t("all_actions")),
    AUDIT_ACTIONS.map((a) => el("option", { value: a, selected: a === action }, t(`audit.${a}`))));
  const where = (scope) => scope === "platform" ? t("platform") : state.groups.find((g) => g.id === scope)?.name || t("a_group");
  return el("section", { class: "pane" },
    el("form", { class: "search-form", onsubmit: async (e) => {
      e.preventDefault();
      await loadAudit({ q: query.value.trim(), action: kind.value });
      renderModeration();
    } }, query, kind, el("button", { type: "submit" }, t("search"))),
    el("table", { class: "audit", id: "audit-log" },
      el("thead", {}, el("tr", {}, AUDIT_COLUMNS.map((h) => el("th", {}, t(h))))),
      el("tbody", {}, entries.map((e) => el("tr", { "data-action": e.action }, [
        timeLabel(e.at), e.actor_id === ENGINE ? t("system") : nameOf(e.actor_id), auditAction(e),
        e.target_kind === "user" ? nameOf(e.target_id) : `${t(`target.${e.target_kind}`)} ${e.details?.text ? `「${e.details.text.slice(0, 40)}」` : ""}`,
        where(e.scope), ruleLabel(e.rule), e.reason || "",
      ].map((text, i) => el("td", { "data-label": t(AUDIT_COLUMNS[i]) }, text)))))));
}

const AUDIT_COLUMNS = ["time", "who", "action", "target", "where", "rule", "reason_col"];

/** 禁言 7天, 封禁 永久: a mute or ban says for how long. */
function auditAction(e) {
  const what = t(`audit.${e.action}`);
  if (!["mute", "ban"].includes(e.action)) return what;
  return `${what} ${e.details?.seconds ? duration(e.details.seconds) : t("permanent")}`;
}

// -- rules -----------------------------------------------------------------------------------------------------------

function ruleScopes() {
  const scopes = state.groups.filter(groupModerator).map((g) => ({ id: g.id, name: g.name, editable: groupStaff(g) || isPlatformModerator() }));
  if (isPlatformModerator()) scopes.unshift({ id: "platform", name: t("platform"), editable: state.me.role === "admin" });
  return scopes;
}

async function loadRules(scope) {
  const scopes = ruleScopes();
  const pick = scopes.find((s) => s.id === scope) || scopes[0];
  state.mod.rulesScope = pick?.id;
  state.mod.rules = pick ? (await api("GET", pick.id === "platform" ? "/api/moderation/rules" : `/api/groups/${pick.id}/rules`)).rules : null;
}

function rulesPane() {
  const scopes = ruleScopes();
  const rules = state.mod.rules;
  if (!rules) return el("section", { class: "pane" }, el("p", { class: "empty" }, t("no_rule_scopes")));
  const scope = scopes.find((s) => s.id === state.mod.rulesScope);
  const words = rules.words.map((w) => ({ ...w }));
  const wordList = el("ul", { class: "words", id: "rule-words" });
  const drawWords = () => wordList.replaceChildren(...words.map((w, i) => el("li", {}, w.term, " · ", t(`cat.${w.category}`, {}),
    scope.editable ? el("button", { type: "button", class: "remove", "aria-label": t("remove"), onclick: () => { words.splice(i, 1); drawWords(); } }, "×") : null)));
  drawWords();
  const term = el("input", { name: "term", maxlength: 64, placeholder: t("rule_term") });
  const category = el("select", { name: "word_category", "aria-label": t("category") },
    WORD_CATEGORIES.map((c) => el("option", { value: c }, t(`cat.${c}`))));
  const field = (name, attrs) => el("input", { name, ...attrs });
  const allow = el("textarea", { name: "allow", rows: 3, placeholder: t("allow_hint") }, rules.allow.join("\n"));
  const slow = field("slow_mode_seconds", { type: "number", min: 0, max: 3600, value: rules.slow_mode_seconds });
  const hours = field("new_account_hours", { type: "number", min: 0, max: 8760, value: rules.new_account_hours ?? "",
                                             placeholder: String(rules.effective_new_account_hours) });
  const threshold = field("hide_threshold", { type: "number", min: 1, max: 100, step: "any", value: rules.hide_threshold });
  const order = field("require_order", { type: "checkbox", checked: rules.require_order });
  const mentionAll = field("members_may_mention_all", { type: "checkbox", checked: rules.members_may_mention_all });
  const holdPictures = field("hold_pictures", { type: "checkbox", checked: rules.hold_pictures });
  const status = el("p", { class: "status", role: "status", id: "rules-status" });
  return el("section", { class: "pane" },
    el("label", {}, t("rules_for"), el("select", { name: "scope", onchange: async (e) => { await loadRules(e.currentTarget.value); renderModeration(); } },
      scopes.map((s) => el("option", { value: s.id, selected: s.id === scope.id }, s.name)))),
    el("form", { class: "rules-form", onsubmit: async (e) => {
      e.preventDefault();
      const body = {
        words, allow: allow.value.split("\n").map((x) => x.trim()).filter(Boolean),
        slow_mode_seconds: Number(slow.value || 0), new_account_hours: hours.value === "" ? null : Number(hours.value),
        require_order: order.checked, members_may_mention_all: mentionAll.checked, hide_threshold: Number(threshold.value),
        hold_pictures: holdPictures.checked,
      };
      try {
        const path = scope.id === "platform" ? "/api/moderation/rules" : `/api/groups/${scope.id}/rules`;
        state.mod.rules = (await api("PATCH", path, body)).rules;
        renderModeration();
        document.getElementById("rules-status").textContent = t("saved");
      } catch (err) { status.textContent = errorText(err); }
    } },
      el("h4", {}, t("rule_words")), wordList,
      scope.editable ? el("div", { class: "add-word" }, term, category, el("button", { type: "button", id: "add-word", onclick: () => {
        const value = term.value.trim();
        if (!value) return;
        words.push({ term: value, category: category.value });
        term.value = "";
        drawWords();
      } }, t("add"))) : null,
      el("h4", {}, t("allow_list")), allow,
      el("label", {}, t("slow_mode"), slow), el("label", {}, t("new_account_hours"), hours),
      el("label", {}, t("hide_threshold"), threshold),
      el("label", { class: "inline" }, order, t("require_order")), el("label", { class: "inline" }, mentionAll, t("members_may_mention_all")),
      el("label", { class: "inline" }, holdPictures, t("hold_pictures")),
      scope.editable ? el("button", { type: "submit" }, t("save")) : el("p", { class: "meta" }, t("read_only_rules")),
      status));
}

// -- the rule tester -----------------------------------------------------------------------------------------------

function testerPane() {
  const text = el("textarea", { name: "text", rows: 4, maxlength: 4000, placeholder: t("tester_hint") });
  const scope = el("select", { name: "group", "aria-label": t("rules_for") },
    ruleScopes().map((s) => el("option", { value: s.id }, s.name)));
  const out = el("div", { class: "verdict", id: "verdict", "aria-live": "polite" });
  return el("section", { class: "pane" }, el("form", { class: "tester", onsubmit: async (e) => {
    e.preventDefault();
    try {
      const v = (await api("POST", "/api/moderation/check", { text: text.value, ...(scope.value && scope.value !== "platform" ? { group_id: scope.value } : {}) })).verdict;
      out.dataset.action = v.action;
      out.replaceChildren(...verdictLines(v));
    } catch (err) { out.replaceChildren(el("span", { class: "error" }, errorText(err))); }
  } }, text, scope, el("button", { type: "submit" }, t("test_rules"))), out);
}

/** The verdict in words: 放行 alone for clean text; for a hit what happens to it, the rule with the word it matched
 *  (引流（代购群）), the categories, every matched word, and the text as it would be sent when masked. */
function verdictLines(v) {
  const words = matchedWords(v.matches);
  const lines = [el("strong", {}, t(`verdict.${v.action}`), v.held ? ` · ${t("held")}` : "")];
  if (v.rule) lines.push(el("p", { class: "rule" }, t("rule_is", { r: ruleLabel(v.rule) })));
  if (v.categories?.length) lines.push(el("p", {}, t("categories_are", { c: v.categories.map(ruleCategory).join(t("rule.sep")) })));
  if (words.length) lines.push(el("p", { class: "matches" }, t("matches_are", { m: words.join(t("rule.sep")) })));
  if (v.text) lines.push(el("p", { class: "masked" }, v.text));
  return lines;
}
