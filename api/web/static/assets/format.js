// Formatting and DOM helpers. Text always goes in as text nodes, never as
// HTML.

export const DASH = "—";

// h builds an element: h("td", {class: "num"}, "12", child...).
// Attributes: class, text-free strings; "on*" functions become listeners;
// boolean true sets an empty attribute, false/null/undefined skips it.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

const SVG_NS = "http://www.w3.org/2000/svg";

// s builds an SVG element like h.
export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

function setAttrs(el, attrs) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === false || v === null || v === undefined) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

const isNum = (x) => typeof x === "number" && Number.isFinite(x);

// pct formats a ratio in [0, 1] as a percentage with one decimal.
export function pct(r) {
  return isNum(r) ? `${(r * 100).toFixed(1)}%` : DASH;
}

// score formats a friction score with one decimal.
export function score(x) {
  return isNum(x) ? x.toFixed(1) : DASH;
}

export function int(x) {
  return isNum(x) ? Math.round(x).toLocaleString("en") : DASH;
}

// duration humanises seconds: 45 s, 12 min, 3.5 h, 2.1 d.
export function duration(sec) {
  if (!isNum(sec)) return DASH;
  if (sec < 60) return `${Math.round(sec)} s`;
  if (sec < 3600) return `${Math.round(sec / 60)} min`;
  if (sec < 86400) return `${trim1(sec / 3600)} h`;
  return `${trim1(sec / 86400)} d`;
}

function trim1(x) {
  return x >= 10 ? String(Math.round(x)) : x.toFixed(1).replace(/\.0$/, "");
}

// when formats an RFC 3339 instant as a short local date and time.
export function when(iso) {
  if (!iso) return DASH;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString("en-GB", { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

const DRIVERS = {
  breach: "SLA breaches",
  rework: "Rework",
  dissatisfaction: "Dissatisfaction",
  escalation: "Escalations",
};

export function driver(name) {
  if (!name || name === "none") return DASH;
  return DRIVERS[name] || name;
}

// drivers describes a friction score's parts, for a tooltip.
export function drivers(f) {
  const d = f && f.drivers;
  if (!d) return null;
  return Object.keys(DRIVERS).filter((k) => isNum(d[k])).map((k) => `${DRIVERS[k]} ${score(d[k])}`).join(" + ");
}

// level buckets a friction score for colour: low, medium, high.
export function level(x) {
  if (!isNum(x)) return "none";
  if (x >= 40) return "high";
  if (x >= 20) return "medium";
  return "low";
}

// csat describes a pair's satisfaction, hiding what anonymity hides; the
// policy is the API's ("me" endpoint).
export function csat(sat, policy) {
  if (!sat) return DASH;
  if (isNum(sat.csat)) return pct(sat.csat);
  if (!sat.ratings) return "no ratings";
  return `hidden (<${policy.anonymity_min}\u00a0ratings)`; // break after "hidden", not inside
}

// bar is a horizontal bar for a 0–100 score, with the number beside it.
// Its width is set through the CSSOM, which the content security policy
// allows (style attributes in markup it does not).
export function bar(x) {
  const fill = h("span", { class: `bar-fill lvl-${level(x)}` });
  fill.style.width = `${isNum(x) ? Math.max(0, Math.min(100, x)) : 0}%`;
  return h("span", { class: "bar" }, h("span", { class: "bar-track", "aria-hidden": "true" }, fill), h("span", { class: "bar-num" }, score(x)));
}
