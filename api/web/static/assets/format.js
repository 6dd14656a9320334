// Formatting and DOM helpers. Text always goes in as text nodes, never as
// HTML; numbers and dates are written with Intl for the page's language.

import { t, locale } from "./i18n.js";

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

// Formatters per locale and options, made once.
const formatters = new Map();
function nf(opts) {
  const k = `n${locale()}${JSON.stringify(opts)}`;
  if (!formatters.has(k)) formatters.set(k, new Intl.NumberFormat(locale(), opts));
  return formatters.get(k);
}
function df(opts) {
  const k = `d${locale()}${JSON.stringify(opts)}`;
  if (!formatters.has(k)) formatters.set(k, new Intl.DateTimeFormat(locale(), opts));
  return formatters.get(k);
}

// pct formats a ratio in [0, 1] as a percentage with one decimal.
export function pct(r) {
  return isNum(r) ? nf({ style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(r) : DASH;
}

// pct0 formats a ratio as a whole percentage (chart axes).
export function pct0(r) {
  return isNum(r) ? nf({ style: "percent", maximumFractionDigits: 0 }).format(r) : DASH;
}

// score formats a friction score with one decimal.
export function score(x) {
  return isNum(x) ? nf({ minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(x) : DASH;
}

export function int(x) {
  return isNum(x) ? nf({ maximumFractionDigits: 0 }).format(Math.round(x)) : DASH;
}

// num formats a number with at most one decimal, none from 10 up.
export function num(x) {
  return isNum(x) ? nf({ maximumFractionDigits: Math.abs(x) >= 10 ? 0 : 1 }).format(x) : DASH;
}

// duration humanises seconds: 45 s, 12 min, 3.5 h, 2.1 d (the unit
// symbols from the catalogue, the number in the locale's way).
export function duration(sec) {
  if (!isNum(sec)) return DASH;
  if (sec < 60) return t("unit.s", { n: int(sec) });
  if (sec < 3600) return t("unit.min", { n: int(sec / 60) });
  if (sec < 86400) return t("unit.h", { n: num(sec / 3600) });
  return t("unit.d", { n: num(sec / 86400) });
}

// when formats an RFC 3339 instant as a short local date and time, each
// language its own way: "5 Nov 2026, 09:15" (en-GB), "5 nov 2026, 9:15"
// (es). The styles, unlike a fixed hour: "2-digit", keep each locale's
// hour.
export function when(iso) {
  if (!iso) return DASH;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return df({ dateStyle: "medium", timeStyle: "short" }).format(d);
}

// relative says how far an RFC 3339 instant is from now, in the locale's
// words ("in 3 hours", "hace 2 días"), for a tooltip beside the date.
export function relative(iso, now = Date.now()) {
  const ms = Date.parse(iso);
  if (!iso || Number.isNaN(ms)) return null;
  const sec = (ms - now) / 1000;
  const k = `r${locale()}`;
  if (!formatters.has(k)) formatters.set(k, new Intl.RelativeTimeFormat(locale(), { numeric: "auto" }));
  const rtf = formatters.get(k);
  const abs = Math.abs(sec);
  if (abs < 60) return rtf.format(Math.round(sec), "second");
  if (abs < 3600) return rtf.format(Math.round(sec / 60), "minute");
  if (abs < 86400) return rtf.format(Math.round(sec / 3600), "hour");
  if (abs < 30 * 86400) return rtf.format(Math.round(sec / 86400), "day");
  if (abs < 365 * 86400) return rtf.format(Math.round(sec / (30 * 86400)), "month");
  return rtf.format(Math.round(sec / (365 * 86400)), "year");
}

// day formats a YYYY-MM-DD date as a date ("3 Nov 2026"); with short,
// without the year ("3 Nov").
export function day(ymd, short = false) {
  if (!ymd) return DASH;
  const d = new Date(`${ymd}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return ymd;
  return df(short ? { day: "numeric", month: "short", timeZone: "UTC" } : { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" }).format(d);
}

// month formats a YYYY-MM-DD date as its month ("Nov 2026").
export function month(ymd) {
  const d = new Date(`${ymd}T00:00:00Z`);
  return df({ month: "short", year: "numeric", timeZone: "UTC" }).format(d);
}

// dayBefore turns an exclusive end date into the last day included.
export function dayBefore(ymd) {
  return new Date(Date.parse(`${ymd}T00:00:00Z`) - 86400000).toISOString().slice(0, 10);
}

// DRIVER_KEYS are the friction drivers, in the order the API lists them.
export const DRIVER_KEYS = ["breach", "rework", "dissatisfaction", "escalation"];

export function driver(name) {
  if (!name || name === "none") return DASH;
  return DRIVER_KEYS.includes(name) ? t(`driver.${name}`) : name;
}

// drivers describes a friction score's parts, for a tooltip.
export function drivers(f) {
  const d = f && f.drivers;
  if (!d) return null;
  return DRIVER_KEYS.filter((k) => isNum(d[k])).map((k) => `${t(`driver.${k}`)} ${score(d[k])}`).join(" + ");
}

// state names a hand-off state in the page's language.
export function state(s) {
  return s ? t(`state.${s}`) : DASH;
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
  if (!sat.ratings) return t("csat.none");
  // A scorecard holding the minimum hides it while one of its pairs does not.
  if (sat.ratings >= policy.anonymity_min) return t("csat.hiddenPair", { count: policy.anonymity_min });
  return t("csat.hidden", { count: policy.anonymity_min }); // "hidden (<4\u00a0ratings)": a break after "hidden", not inside
}

// bar is a horizontal bar for a 0–100 score, with the number beside it.
// Its width is set through the CSSOM, which the content security policy
// allows (style attributes in markup it does not).
export function bar(x) {
  const fill = h("span", { class: `bar-fill lvl-${level(x)}` });
  fill.style.width = `${isNum(x) ? Math.max(0, Math.min(100, x)) : 0}%`;
  return h("span", { class: "bar" }, h("span", { class: "bar-track", "aria-hidden": "true" }, fill), h("span", { class: "bar-num" }, score(x)));
}
