// Shared bits of the views: loading and error states.

import { h } from "./format.js";
import { has, t } from "./i18n.js";

// busy replaces a view's output with a loading note.
export function busy(out, text) {
  out.setAttribute("aria-busy", "true");
  out.replaceChildren(h("p", { class: "loading", role: "status" }, text));
}

// failed shows an API error's detail in place of a view's output. A 401 is
// handled by the sign-in form instead.
export function failed(out, err) {
  out.removeAttribute("aria-busy");
  if (err && err.status === 401) {
    out.replaceChildren();
    return;
  }
  out.replaceChildren(errorBox(err));
}

// errorBox renders an error for display next to what failed: the
// problem's title in the page's language (the API's is the English status
// text: the catalogue has one for each status it answers), then its detail
// as the server sent it, then the status.
export function errorBox(err) {
  const p = err?.problem;
  const title = p?.title ? statusTitle(err.status, p.title) : "";
  const detail = p?.detail || (title ? "" : err?.detail || err?.message || t("error.generic"));
  const status = err?.status ? ` (${err.status})` : "";
  const text = title && detail ? `${title}: ${detail}` : title || detail;
  return h("p", { class: "error", role: "alert" }, `${text}${status}`);
}

// statusTitle is the catalogue's title of an HTTP status, else the one
// given.
function statusTitle(status, title) {
  const key = `status.${status}`;
  return status && has(key) ? t(key) : title;
}

// done clears the busy state.
export function done(out) {
  out.removeAttribute("aria-busy");
}
