// Shared bits of the views: loading and error states.

import { h } from "./format.js";
import { t } from "./i18n.js";

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

// errorBox renders an error for display next to what failed.
export function errorBox(err) {
  const title = err?.problem?.title && err.problem.title !== err.detail ? `${err.problem.title}: ` : "";
  const status = err?.status ? ` (${err.status})` : "";
  return h("p", { class: "error", role: "alert" }, `${title}${err?.detail || err?.message || t("error.generic")}${status}`);
}

// done clears the busy state.
export function done(out) {
  out.removeAttribute("aria-busy");
}
