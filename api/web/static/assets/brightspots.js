// Bright spots: the pairs that serve best and those that improved most,
// shown beside the hotspots. Each pair links to its page.

import { call } from "./api.js";
import { h, pct, csat, int, score, day, dayBefore } from "./format.js";
import { t } from "./i18n.js";
import { busy, failed, done } from "./view.js";
import { canRecognise } from "./pair.js";

// pairHref is the address of a pair's page.
export function pairHref(supplier, customer) {
  return `#/pairs/${encodeURIComponent(supplier)}/${encodeURIComponent(customer)}`;
}

// pairLink links a pair's name to its page.
export function pairLink(ctx, supplier, customer) {
  return h(
    "a",
    { href: pairHref(supplier, customer), class: "pair-link" },
    h("span", { class: "supplier" }, ctx.name(supplier)),
    h("span", { class: "arrow", "aria-label": t("pair.serves") }, " → "),
    h("span", { class: "customer" }, ctx.name(customer)),
  );
}

// renderBrightSpots lists both lists of BrightSpots (openapi.json).
export async function renderBrightSpots(out, ctx) {
  busy(out, t("bright.loading"));
  let data;
  try {
    data = await call("brightspots", { query: { ...ctx.read(), limit: 5, min_volume: ctx.policy.min_volume } });
  } catch (err) {
    return failed(out, err);
  }
  done(out);
  const best = data.best.map((p) => h("li", {}, pairLink(ctx, p.supplier, p.customer),
    h("span", { class: "muted" }, ` · ${t("bright.bestLine", { sla: pct(p.sla.compliance), csat: csat(p.satisfaction, ctx.policy), count: p.requested })}`), thank(ctx, p)));
  const improved = data.improved.map((p) => h("li", {}, pairLink(ctx, p.supplier, p.customer),
    h("span", { class: "muted" }, ` · ${t("bright.improvedLine", { before: score(p.previous_friction_score), after: score(p.friction_score), drop: score(p.drop) })}`), thank(ctx, p)));
  out.replaceChildren(
    h("div", { class: "bright" },
      h("section", { class: "card", id: "bright-best" }, h("h3", {}, t("bright.best")),
        best.length ? h("ol", {}, best) : h("p", { class: "empty" }, t("bright.bestEmpty"))),
      h("section", { class: "card", id: "bright-improved" }, h("h3", {}, t("bright.improved")),
        h("p", { class: "hint" }, t("bright.against", { from: day(data.previous_from), to: day(dayBefore(data.previous_to)) })),
        improved.length ? h("ol", {}, improved) : h("p", { class: "empty" }, t("bright.improvedEmpty")))),
  );
}

// thank is the way to thank a pair's supplier, for those who may (the
// customer's members and heads, and admins): a link to the pair page that
// opens on its recognition form.
function thank(ctx, p) {
  if (!canRecognise(ctx.me, p.customer)) return null;
  return [" · ", h("a", {
    href: pairHref(p.supplier, p.customer), class: "thank", "data-supplier": p.supplier, "data-customer": p.customer,
    onclick: () => { ctx.thank = `${p.supplier}/${p.customer}`; },
  }, t("bright.thank", { supplier: ctx.name(p.supplier) }))];
}
