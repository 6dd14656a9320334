// The history's range: when the window holds none of the log (say an
// imported log from 2011), a hint names the log's dates and offers to set
// the window to them.

import { call } from "./api.js";
import { h, day } from "./format.js";
import { t } from "./i18n.js";

const $ = (id) => document.getElementById(id);
const DAY = 86400000;
let reads = 0; // counts calls, so a slower earlier read is dropped

// hintRange reads the range of the history and shows or hides the hint under the
// window form. Once it has decided, the hint carries data-window="{from}/{to}",
// the window it was decided for.
export async function hintRange(ctx) {
  const out = $("window-hint");
  const read = ++reads;
  delete out.dataset.window;
  let r;
  try {
    r = await call("range", { query: { min_position: ctx.position || undefined } });
  } catch {
    if (read !== reads) return;
    out.hidden = true; // the view itself shows what failed
    return;
  }
  if (read !== reads) return;
  const w = ctx.window();
  out.dataset.window = `${w.from || ""}/${w.to || ""}`;
  if (!r.window || !w.from || !w.to || (r.window.from < w.to && r.window.to > w.from)) {
    out.hidden = true;
    out.replaceChildren();
    return;
  }
  // The page's "to" is inclusive: the day before the API's exclusive end.
  const last = new Date(Date.parse(`${r.window.to}T00:00:00Z`) - DAY).toISOString().slice(0, 10);
  const span = { from: day(r.window.from), to: day(last) };
  const set = h("button", { type: "button", class: "link" }, t("range.show", span));
  set.addEventListener("click", () => {
    $("from").value = r.window.from;
    $("to").value = last;
    out.hidden = true;
    $("window").requestSubmit();
  });
  out.replaceChildren(t("range.none", span), " ", set);
  out.hidden = false;
}
