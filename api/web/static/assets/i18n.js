// The page's language: Spanish or English. Every string the page shows
// comes from a message catalogue (messages-en.js, messages-es.js: the same
// keys in both, which a Go test checks); t(key, params) looks one up.
//
// The language is the one picked with the header's switch (remembered in
// localStorage: a preference, nothing secret), else the first of the
// browser's languages (navigator.languages) the page speaks, else English.
// <html lang> follows it, and the formatters of format.js read locale().

import en from "./messages-en.js";
import es from "./messages-es.js";

const CATALOGUES = { en, es };
export const LANGS = Object.freeze(Object.keys(CATALOGUES));
// Intl locales: English dates as in Britain and Ireland ("5 Nov 2026,
// 09:15"), Spanish as Intl writes it for "es".
const LOCALES = { en: "en-GB", es: "es" };
const KEY = "cadena.lang";

let lang = initial();
let plurals = new Intl.PluralRules(LOCALES[lang]);
const listeners = [];

function stored() {
  try {
    return localStorage.getItem(KEY) || "";
  } catch {
    return ""; // storage disabled: the browser's language decides
  }
}

function initial() {
  const s = stored();
  if (LANGS.includes(s)) return s;
  for (const l of navigator.languages || [navigator.language || ""]) {
    const base = String(l).toLowerCase().split("-")[0];
    if (LANGS.includes(base)) return base;
  }
  return "en";
}

// getLang returns the page's language, "en" or "es".
export function getLang() {
  return lang;
}

// locale returns the Intl locale of the page's language.
export function locale() {
  return LOCALES[lang];
}

// setLang switches the language, remembers it and tells the listeners
// (the page re-renders its current view).
export function setLang(l) {
  if (!LANGS.includes(l)) return;
  try {
    localStorage.setItem(KEY, l);
  } catch {
    // not remembered; the switch still applies to this page
  }
  if (l === lang) return;
  lang = l;
  plurals = new Intl.PluralRules(LOCALES[lang]);
  applyStatic();
  for (const f of listeners) f(lang);
}

// onLangChange registers f to be called after each switch.
export function onLangChange(f) {
  listeners.push(f);
}

// t returns the message key in the page's language with {name}
// placeholders filled from params. A message with plural forms ({"one",
// "other"}) picks one by params.count. Numbers are written in the
// locale's way.
export function t(key, params = {}) {
  let m = CATALOGUES[lang][key];
  if (m === undefined) m = en[key];
  if (m === undefined) return key;
  if (typeof m === "object") m = m[plurals.select(Number(params.count))] ?? m.other;
  return m.replace(/\{(\w+)\}/g, (all, k) => {
    const v = params[k];
    if (v === undefined || v === null) return all;
    return typeof v === "number" ? number(v) : String(v);
  });
}

// has tells whether the catalogue has a message for key.
export function has(key) {
  return CATALOGUES[lang][key] !== undefined || en[key] !== undefined;
}

const numbers = new Map();
function number(v) {
  const loc = locale();
  if (!numbers.has(loc)) numbers.set(loc, new Intl.NumberFormat(loc, { maximumFractionDigits: 1 }));
  return numbers.get(loc).format(v);
}

// applyStatic translates the page's markup: data-i18n sets an element's
// text, data-i18n-title, data-i18n-aria-label and data-i18n-placeholder
// the attribute. It also sets <html lang> and the switch's state.
export function applyStatic(root = document) {
  document.documentElement.lang = lang;
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const attr of ["title", "aria-label", "placeholder"]) {
    const data = `data-i18n-${attr}`;
    for (const el of root.querySelectorAll(`[${data}]`)) el.setAttribute(attr, t(el.getAttribute(data)));
  }
  for (const b of root.querySelectorAll("button[data-lang]")) b.setAttribute("aria-pressed", String(b.dataset.lang === lang));
}
