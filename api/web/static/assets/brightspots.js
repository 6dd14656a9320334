// Bright spots: the pairs that serve best and those that improved most,
// shown beside the hotspots. Each pair links to its page.

import { call } from "./api.js";
import { h, pct, csat, int, score } from "./format.js";
import { busy, failed, done } from "./view.js";

// pairLink links a pair's name to its page.
export function pairLink(ctx, supplier, customer) {
  return h(
    "a",
    { href: `#/pairs/${encodeURIComponent(supplier)}/${encodeURIComponent(customer)}`, class: "pair-link" },
    h("span", { class: "supplier" }, ctx.name(supplier)),
    h("span", { class: "arrow", "aria-label": "serves" }, " → "),
    h("span", { class: "customer" }, ctx.name(customer)),
  );
}

// renderBrightSpots lists both lists of BrightSpots (openapi.json).
export async function renderBrightSpots(out, ctx) {
  busy(out, "Loading bright spots…");
  let data;
  try {
    data = await call("brightspots", { query: { ...ctx.window(), limit: 5, min_volume: ctx.policy.min_volume } });
  } catch (err) {
    return failed(out, err);
  }
  done(out);
  const best = data.best.map((p) => h("li", {}, pairLink(ctx, p.supplier, p.customer),
    h("span", { class: "muted" }, ` · SLA met ${pct(p.sla.compliance)} · CSAT ${csat(p.satisfaction, ctx.policy)} · ${int(p.requested)} req.`)));
  const improved = data.improved.map((p) => h("li", {}, pairLink(ctx, p.supplier, p.customer),
    h("span", { class: "muted" }, ` · friction ${score(p.previous_friction_score)} → ${score(p.friction_score)} (−${score(p.drop)})`)));
  out.replaceChildren(
    h("div", { class: "bright" },
      h("section", { class: "card", id: "bright-best" }, h("h3", {}, "Serving best"),
        best.length ? h("ol", {}, best) : h("p", { class: "empty" }, "No pair with enough volume.")),
      h("section", { class: "card", id: "bright-improved" }, h("h3", {}, "Improved most"),
        h("p", { class: "hint" }, `Against ${data.previous_from} – ${dayBefore(data.previous_to)}, the previous window.`),
        improved.length ? h("ol", {}, improved) : h("p", { class: "empty" }, "No pair's friction fell."))),
  );
}

// dayBefore turns the API's exclusive end date into the last day included.
function dayBefore(ymd) {
  return new Date(Date.parse(`${ymd}T00:00:00Z`) - 86400000).toISOString().slice(0, 10);
}
