// The page of the local Mindlytics: it fetches /ui/api/state and fetches it
// again whenever the websocket /ui/live says the store changed.
"use strict";
let state = null;
let selected = new URLSearchParams(location.search).get("session");

const el = (tag, attrs = {}, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v; else if (k === "onclick") e.onclick = v; else e.setAttribute(k, v);
  }
  for (const k of kids) if (k !== null && k !== undefined) e.append(k instanceof Node ? k : String(k));
  return e;
};
const fmtTime = (t) => (t ? new Date(t).toLocaleTimeString([], { hour12: false }) : "—");
const fmtDur = (ms) => (ms >= 60000 ? `${Math.floor(ms / 60000)}m ${Math.round((ms % 60000) / 1000)}s` : `${(ms / 1000).toFixed(1)}s`);
const fmtCost = (c, est) => (c ? `$${c.toFixed(c < 0.01 ? 5 : 4)}${est ? "*" : ""}` : "—");

async function refresh() {
  const r = await fetch("/ui/api/state", { cache: "no-store" });
  state = await r.json();
  if (!selected && state.sessions.length) selected = state.sessions[state.sessions.length - 1].id;
  render();
}

function render() {
  const tbody = document.querySelector("#sessions tbody");
  tbody.replaceChildren(...state.sessions.slice().reverse().map((s) =>
    el("tr", { class: s.id === selected ? "selected" : "", "data-session": s.id, onclick: () => { selected = s.id; render(); } },
      el("td", {}, el("code", {}, s.id)),
      el("td", {}, s.user_id || s.device_id || "—"),
      el("td", {}, fmtTime(s.start)), el("td", {}, fmtTime(s.end)),
      el("td", { class: "num" }, fmtDur(s.duration_ms)),
      el("td", { class: "num turns" }, s.turns), el("td", { class: "num" }, s.tokens),
      el("td", { class: "num cost" }, fmtCost(s.cost, s.cost_estimated)))));
  const warn = document.getElementById("warnings");
  warn.replaceChildren(...(state.warnings.length ? [el("h3", {}, `Translation warnings (${state.warnings.length})`)] : []),
    ...state.warnings.map((w) => el("div", { class: "warning" }, "⚠ ", el("b", {}, w.span.name || "span"), ` (span ${w.span.span_id}): ${w.message}`)));
  renderDetail(state.sessions.find((s) => s.id === selected));
}

function renderDetail(s) {
  const d = document.getElementById("detail");
  if (!s) { d.replaceChildren(el("p", { class: "hint" }, "Pick a session.")); return; }
  const kids = [
    el("h2", {}, "Session ", el("code", {}, s.id)),
    el("div", { class: "totals" }, `${s.user_id ? "user " + s.user_id : ""}${s.device_id ? " · device " + s.device_id : ""} · ${s.turns} turns · ${s.functions} function calls · ${s.tokens} tokens · cost ${fmtCost(s.cost, s.cost_estimated)}`),
  ];
  kids.push(...s.items.map(item));
  for (const c of s.conversations) {
    kids.push(el("div", { class: "conversation", "data-conversation": c.id },
      el("h3", {}, "Conversation ", el("code", {}, c.id), el("span", { class: "muted" }, ` · ${c.turns} turns · ${c.tokens} tokens · ${fmtCost(c.cost, c.cost_estimated)}`)),
      ...c.items.map(item)));
  }
  if (s.cost_estimated) kids.push(el("p", { class: "muted" }, "* estimated locally from token counts; the service prices known models itself."));
  d.replaceChildren(...kids);
}

// item is one event row: the event itself and, for OTLP-derived events, the span beside it.
function item(it) {
  const p = it.properties || {};
  let main;
  switch (it.kind) {
    case "turn":
      main = el("div", { class: "turn" },
        el("div", { class: "bubble user" }, p.user),
        el("div", { class: "bubble assistant" }, p.assistant),
        el("div", { class: "meta" }, [p.model, p.assistant_id, it.tokens ? `${p.prompt_tokens || 0} + ${p.completion_tokens || 0} tokens` : null, it.usage_unknown ? "usage unknown (the call reported no tokens: for a stream, ask for them with stream_options.include_usage)" : null, it.cost ? fmtCost(it.cost, it.cost_estimated) : null, fmtTime(it.time)].filter(Boolean).join(" · ")));
      break;
    case "function":
      main = el("div", { class: "event function" }, el("b", {}, `ƒ ${p.name}`), ` · ${p.runtime ?? "?"} ms`,
        el("pre", {}, "args: " + (p.args ?? "")), el("pre", {}, "result: " + (p.result ?? "")));
      break;
    case "usage":
      main = el("div", { class: "event" }, "Usage · ", [p.model, it.tokens ? `${it.tokens} tokens` : null, it.cost ? fmtCost(it.cost, it.cost_estimated) : null].filter(Boolean).join(" · "));
      break;
    case "identify": case "alias":
      main = el("div", { class: "event identity" }, el("b", {}, it.kind), ` → ${it.event.id || ""}`, it.event.previous_id ? ` (was ${it.event.previous_id})` : "", props(p));
      break;
    case "track":
      main = el("div", { class: "event" }, el("b", {}, it.name), props(p));
      break;
    default:
      main = el("div", { class: "event lifecycle" }, { start: "Session started", end: "Session ended", conversation_start: "Conversation started", conversation_end: "Conversation ended" }[it.kind] || it.kind, " · ", fmtTime(it.time), props(it.event.attributes || {}));
  }
  return el("div", { class: "row", "data-kind": it.kind }, el("div", { class: "main" }, main), it.origin ? span(it.origin) : null);
}

function props(p) {
  const keys = Object.keys(p || {});
  return keys.length ? el("div", { class: "meta" }, keys.map((k) => `${k}=${p[k]}`).join(" · ")) : null;
}

function span(o) {
  const attrs = Object.entries(o.attributes || {}).sort(([a], [b]) => a.localeCompare(b));
  return el("details", { class: "span" }, el("summary", {}, "span ", el("code", {}, o.name)),
    el("div", { class: "muted" }, `trace ${o.trace_id} · span ${o.span_id}`),
    el("table", {}, ...attrs.map(([k, v]) => el("tr", {}, el("td", {}, el("code", {}, k)), el("td", {}, typeof v === "string" ? v : JSON.stringify(v))))));
}

function connect() {
  const badge = document.getElementById("live");
  const ws = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ui/live`);
  ws.onopen = () => { badge.textContent = "live"; badge.className = "badge on"; };
  ws.onmessage = () => refresh();
  ws.onclose = () => { badge.textContent = "reconnecting…"; badge.className = "badge off"; setTimeout(connect, 1000); };
}

refresh().then(connect);
