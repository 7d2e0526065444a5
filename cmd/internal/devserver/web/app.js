// The page of the local Mindlytics. It asks the server for a page of
// sessions (/ui/api/sessions: search, filter, cursor) and for the session
// shown (/ui/api/session/{id}), and asks again for just those when the
// websocket /ui/live says the store changed. The selection, search and
// filter live in the URL, so reload and back keep them.
"use strict";
const ui = { rows: [], next: "", total: 0, session: null, version: 0, busy: false, again: false, setup: null };

const el = (tag, attrs = {}, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v; else if (k.startsWith("on")) e[k] = v; else if (v !== null && v !== undefined) e.setAttribute(k, v);
  }
  for (const k of kids.flat()) if (k !== null && k !== undefined && k !== false) e.append(k instanceof Node ? k : String(k));
  return e;
};
const params = () => new URLSearchParams(location.search);
const sameDay = (a, b) => a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
// fmtWhen shows the time, and the date when it is not today's.
function fmtWhen(t) {
  if (!t) return "—";
  const d = new Date(t), now = new Date();
  const time = d.toLocaleTimeString([], { hour12: false });
  if (sameDay(d, now)) return time;
  const date = d.toLocaleDateString([], { month: "short", day: "numeric", ...(d.getFullYear() !== now.getFullYear() ? { year: "numeric" } : {}) });
  return `${date}, ${time}`;
}
const fmtDur = (ms) => (ms >= 60000 ? `${Math.floor(ms / 60000)}m ${Math.round((ms % 60000) / 1000)}s` : ms >= 1000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.round(ms)}ms`);
const fmtCost = (c, est) => (c ? `$${c.toFixed(c < 0.01 ? 5 : 4)}${est ? "*" : ""}` : "—");
const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

// go changes the URL (pushed, so back returns) and shows what it says.
function go(changes, push = true) {
  const p = params();
  for (const [k, v] of Object.entries(changes)) if (v) p.set(k, v); else p.delete(k);
  const url = `${location.pathname}${p.toString() ? "?" + p : ""}`;
  if (push) history.pushState(null, "", url); else history.replaceState(null, "", url);
  load();
}

async function getJSON(url) {
  const r = await fetch(url, { cache: "no-store" });
  if (r.status === 204) return null;
  if (!r.ok) throw new Error(`${r.status} ${await r.text()}`);
  return r.json();
}

function listURL(cursor, limit) {
  const p = params(), q = new URLSearchParams();
  if (p.get("q")) q.set("q", p.get("q"));
  if (p.get("filter")) q.set("filter", p.get("filter"));
  if (cursor) q.set("cursor", cursor);
  q.set("limit", limit);
  return `/ui/api/sessions?${q}`;
}

// load fetches the list (as many rows as shown) and the selected session.
async function load(fresh = true) {
  if (ui.busy) { ui.again = true; return; }
  ui.busy = true;
  try {
    const page = await getJSON(listURL("", Math.min(Math.max(fresh ? 50 : ui.rows.length, 50), 500)));
    ui.rows = page.sessions; ui.next = page.next; ui.total = page.total; ui.matched = page.matched; ui.loose = page.loose; ui.looseCount = page.loose_count;
    ui.version = page.version;
    const id = params().get("session");
    if (!id) ui.session = null;
    else if (!ui.session || ui.session.id !== id || fresh) ui.session = await getJSON(`/ui/api/session/${encodeURIComponent(id)}`).catch(() => ({ missing: id }));
    else { const s = await getJSON(`/ui/api/session/${encodeURIComponent(id)}?since=${ui.session.version}`).catch(() => null); if (s) ui.session = s; }
    if (ui.total === 0 && !ui.setup) ui.setup = await getJSON("/ui/api/setup");
    render();
  } finally {
    ui.busy = false;
    if (ui.again) { ui.again = false; load(false); }
  }
}

async function more() {
  const page = await getJSON(listURL(ui.next, 50));
  ui.rows = ui.rows.concat(page.sessions); ui.next = page.next;
  renderList();
}

function render() {
  const p = params();
  document.getElementById("search").value = p.get("q") || "";
  document.getElementById("filter").value = p.get("filter") || "";
  renderList();
  renderDetail();
}

function renderList() {
  const selected = params().get("session");
  const searching = params().get("q") || params().get("filter");
  document.getElementById("count").textContent = searching ? `Sessions · ${ui.matched} of ${ui.total}` : `Sessions · ${ui.total}`;
  document.querySelector("#sessions tbody").replaceChildren(...ui.rows.map((s) =>
    el("tr", { class: s.id === selected ? "selected" : "", "data-session": s.id, onclick: () => go({ session: s.id }) },
      el("td", { class: "session", title: s.id },
        el("span", { class: `dot ${s.open ? "open" : ""}`, title: s.open ? "open" : "ended" }), el("code", {}, s.id),
        s.warnings ? el("span", { class: "warn-count", title: "translation warnings" }, `⚠${s.warnings}`) : null,
        el("span", { class: "sub start" }, `${s.user_id || s.device_id || "—"} · ${fmtWhen(s.start || s.first)} · ${fmtDur(s.duration_ms)}`)),
      el("td", { class: "num turns" }, s.turns), el("td", { class: "num tokens" }, s.tokens),
      el("td", { class: "num cost" }, fmtCost(s.cost, s.cost_estimated)))));
  const btn = document.getElementById("more");
  btn.hidden = !ui.next; btn.onclick = more;
  const warn = document.getElementById("warnings");
  warn.replaceChildren(...(ui.looseCount ? [el("h3", {}, `Warnings of spans in no session (${ui.looseCount})`)] : []),
    ...(ui.loose || []).map((w) => el("div", { class: "warning" }, "⚠ ", el("b", {}, w.span.name || "span"), ` (span ${w.span.span_id}): ${w.message}`)));
}

function renderDetail() {
  const d = document.getElementById("detail");
  const s = ui.session;
  if (ui.total === 0) { d.replaceChildren(...setup()); return; }
  if (!s) { d.replaceChildren(el("p", { class: "hint" }, "Pick a session on the left.")); return; }
  if (s.missing) { d.replaceChildren(el("p", { class: "hint" }, `No session ${s.missing} here.`)); return; }
  const status = s.open
    ? `open · ends after ${s.idle_minutes} min idle, at ${fmtWhen(s.ends_at)}, unless more arrives`
    : `ended ${fmtWhen(s.end)}`;
  const kids = [
    el("h2", {}, "Session ", el("code", {}, s.id)),
    el("div", { class: "totals" }, [s.user_id ? `user ${s.user_id}` : null, s.device_id ? `device ${s.device_id}` : null, `started ${fmtWhen(s.start || s.first)}`, status].filter(Boolean).join(" · ")),
    el("div", { class: "totals" }, `${plural(s.turns, "turn")} · ${plural(s.functions, "function call")} · ${plural(s.tokens, "token")} · cost ${fmtCost(s.cost, s.cost_estimated)}`),
  ];
  if (s.span_warnings.length) {
    kids.push(el("details", { class: "warnings", open: "" }, el("summary", {}, `⚠ ${plural(s.span_warnings.length, "translation warning")}`),
      ...s.span_warnings.map((w) => el("div", { class: "warning" }, el("b", {}, w.span.name || "span"), ` (span ${w.span.span_id}): ${w.message}`))));
  }
  for (const p of s.timeline) {
    if (p.kind === "item") { kids.push(item(s.items[p.index])); continue; }
    const c = s.conversations[p.index];
    kids.push(el("div", { class: "conversation", "data-conversation": c.id },
      el("h3", {}, "Conversation ", el("code", {}, c.id), el("span", { class: "muted" }, ` · ${plural(c.turns, "turn")} · ${plural(c.tokens, "token")} · ${fmtCost(c.cost, c.cost_estimated)}`)),
      ...c.items.map(item)));
  }
  if (s.cost_estimated) kids.push(el("p", { class: "muted" }, "* estimated locally from token counts; the service prices known models itself."));
  d.replaceChildren(...kids);
}

// setup is the empty state: how to point an app at this server.
function setup() {
  const s = ui.setup || { url: location.origin, api_key: "dev-key", project_id: "dev-project" };
  const block = (title, text) => [el("h3", {}, title), el("pre", {}, text)];
  return [el("div", { class: "setup" },
    el("h2", {}, "No sessions yet"),
    el("p", { class: "muted" }, "Send this server spans or events and they show up here as they arrive, each span with what it became."),
    ...block("A Go app (instrument or exporter)", `export MLSDK_SERVER_BASE=${s.url} MLSDK_API_KEY=${s.api_key} MLSDK_PROJECT_ID=${s.project_id}\ngo run ./your-app   # instrument.New(ctx) / exporter.New(ctx) read MLSDK_*`),
    ...block("Any OpenTelemetry SDK (OTLP/HTTP, JSON or protobuf)", `export OTEL_EXPORTER_OTLP_ENDPOINT=${s.url}\nexport OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf\nyour-otel-app`),
    ...block("The collector (otelcol-mindlytics)", `MLSDK_SERVER_BASE=${s.url} MLSDK_API_KEY=${s.api_key} MLSDK_PROJECT_ID=${s.project_id} \\\n  otelcol-mindlytics --config collector-config/local.yaml`),
    ...block("Or a scripted chatbot", "make demo"))];
}

// item is one event row; a turn holds its calls and its trace.
function item(it) {
  const p = it.properties || {};
  let main;
  switch (it.kind) {
    case "turn":
      main = el("div", { class: "turn" },
        el("div", { class: "bubble user" }, p.user),
        it.calls ? el("div", { class: "calls" }, ...it.calls.map(item)) : null,
        el("div", { class: "bubble assistant" }, p.assistant),
        el("div", { class: "meta" }, [p.model, p.assistant_id, it.tokens ? `${p.prompt_tokens || 0} + ${p.completion_tokens || 0} tokens` : null, it.usage_unknown ? "usage unknown (the call reported no tokens: for a stream, ask for them with stream_options.include_usage)" : null, it.cost ? fmtCost(it.cost, it.cost_estimated) : null, fmtWhen(it.time)].filter(Boolean).join(" · ")),
        it.trace ? trace(it.trace) : null);
      break;
    case "function":
      main = el("div", { class: "event function" }, el("b", {}, `ƒ ${p.name}`), ` · ${p.runtime ?? "?"} ms · ${fmtWhen(it.time)}`,
        el("pre", {}, "args: " + (p.args ?? "")), el("pre", {}, "result: " + (p.result ?? "")));
      break;
    case "usage":
      main = el("div", { class: "event" }, "Model call · ", [p.model, it.tokens ? `${it.tokens} tokens` : null, it.cost ? fmtCost(it.cost, it.cost_estimated) : null, fmtWhen(it.time)].filter(Boolean).join(" · "));
      break;
    case "identify": case "alias":
      main = el("div", { class: "event identity" }, el("b", {}, it.kind), ` → ${it.event.id || ""}`, it.event.previous_id ? ` (was ${it.event.previous_id})` : "", props(p));
      break;
    case "track":
      main = el("div", { class: "event" }, el("b", {}, it.name), ` · ${fmtWhen(it.time)}`, props(p));
      break;
    default:
      main = el("div", { class: "event lifecycle" }, { start: "Session started", end: "Session ended", conversation_start: "Conversation started", conversation_end: "Conversation ended" }[it.kind] || it.kind, " · ", fmtWhen(it.time), props(it.event.attributes || {}));
  }
  return el("div", { class: "row", "data-kind": it.kind }, el("div", { class: "main" }, main), it.origin ? span(it.origin) : null);
}

function props(p) {
  const keys = Object.keys(p || {});
  return keys.length ? el("div", { class: "meta" }, keys.map((k) => `${k}=${p[k]}`).join(" · ")) : null;
}

function attrs(a) {
  const kv = Object.entries(a || {}).sort(([x], [y]) => x.localeCompare(y));
  return el("dl", { class: "attrs" }, ...kv.flatMap(([k, v]) => [el("dt", { title: k }, k), el("dd", {}, typeof v === "string" ? v : JSON.stringify(v))]));
}

function span(o) {
  return el("details", { class: "span" }, el("summary", {}, "span ", el("code", {}, o.name)),
    el("div", { class: "ids" }, "trace ", el("code", {}, o.trace_id), " · span ", el("code", {}, o.span_id)), attrs(o.attributes));
}

// trace is a turn's spans as a tree: each with its duration, and what it
// became or why it made no event.
function trace(rows) {
  const total = Math.max(...rows.map((r) => r.offset_ms + r.duration_ms), 0.001);
  const made = rows.filter((r) => r.outcome === "event").length;
  return el("details", { class: "trace" },
    el("summary", {}, `Trace · ${plural(rows.length, "span")}, ${made} with events · ${fmtDur(rows[0].duration_ms)}`),
    ...rows.map((r) => el("details", { class: "trow", "data-outcome": r.outcome },
      el("summary", {},
        el("span", { class: "tname", style: `padding-left:${r.depth * 14}px`, title: r.name }, r.name),
        el("span", { class: "tbar" }, el("i", { style: `left:${(100 * r.offset_ms) / total}%;width:${(100 * r.duration_ms) / total}%` })),
        el("span", { class: "tdur" }, fmtDur(r.duration_ms)),
        el("span", { class: `tout ${r.outcome}`, title: r.why || "" }, r.outcome === "event" ? `→ ${r.made.join(", ")}` : `${r.outcome === "none" ? "no event" : r.outcome}: ${r.why}`)),
      el("div", { class: "why" }, r.why ? el("div", {}, r.why) : null, ...(r.notes || []).map((n) => el("div", { class: "warning" }, n)),
        el("div", { class: "ids" }, "span ", el("code", {}, r.span_id)), attrs(r.attributes)))));
}

function connect() {
  const badge = document.getElementById("live");
  const ws = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ui/live`);
  ws.onopen = () => { badge.textContent = "live"; badge.className = "badge on"; };
  ws.onmessage = (m) => { if (JSON.parse(m.data).version !== ui.version) load(false); };
  ws.onclose = () => { badge.textContent = "reconnecting…"; badge.className = "badge off"; setTimeout(connect, 1000); };
}

let typing;
document.getElementById("search").oninput = (e) => { clearTimeout(typing); typing = setTimeout(() => go({ q: e.target.value.trim() }, false), 200); };
document.getElementById("filter").onchange = (e) => go({ filter: e.target.value });
window.onpopstate = () => load();
load().then(connect);
