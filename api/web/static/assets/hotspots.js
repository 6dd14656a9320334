// Friction hotspots: the pairs with the highest friction score.

import { call } from "./api.js";
import { h, bar, driver, drivers, pct, csat, int, duration } from "./format.js";
import { busy, failed, done } from "./view.js";
import { pairLink } from "./brightspots.js";
import { t } from "./i18n.js";

// renderHotspots lists the pairs with at least the policy's minimum volume
// ("me" endpoint), in the API's order (HotspotList in openapi.json).
export async function renderHotspots(out, ctx) {
  const { min_volume: minVolume, anonymity_min: anonymityMin } = ctx.policy;
  document.getElementById("hotspots-lede").textContent = t("hotspots.lede", { count: minVolume });
  busy(out, t("hotspots.loading"));
  let data;
  try {
    data = await call("hotspots", { query: { ...ctx.read(), limit: 20, min_volume: minVolume } });
  } catch (err) {
    return failed(out, err);
  }
  done(out);
  const pairs = data.hotspots;
  if (pairs.length === 0) {
    out.replaceChildren(h("p", { class: "empty" }, t("hotspots.empty", { count: minVolume })));
    return;
  }
  const head = [
    [t("common.pair"), ""],
    [t("fig.friction"), t("hotspots.frictionHint")],
    [t("fig.topDriver"), t("hotspots.topDriverHint")],
    [t("fig.slaMet"), t("hotspots.slaHint")],
    [t("fig.rework"), t("hotspots.reworkHint")],
    [t("fig.escalated"), t("hotspots.escalatedHint")],
    [t("fig.csat"), t("hotspots.csatHint", { count: anonymityMin })],
    [t("hotspots.req"), t("hotspots.reqHint")],
    ["p50", t("hotspots.p50Hint")],
    ["p90", t("hotspots.p90Hint")],
  ];
  const table = h(
    "table",
    { class: "data hotspots stack" },
    h("caption", { class: "sr-only" }, t("hotspots.caption")),
    h("thead", {}, h("tr", {}, head.map(([label, title], i) => h("th", { scope: "col", title: title || null, class: i > 2 ? "num" : null }, label)))),
    h(
      "tbody",
      {},
      pairs.map((p) => {
        const f = p.friction;
        const lt = p.lead_time_s;
        return h(
          "tr",
          { class: "pair" },
          h("th", { scope: "row", class: "pair-name" }, pairLink(ctx, p.supplier, p.customer)),
          h("td", { class: "friction", "data-label": t("fig.friction"), title: drivers(f) }, bar(f.score)),
          h("td", { "data-label": t("fig.topDriver") }, driver(f.top_driver)),
          h("td", { class: "num", "data-label": t("fig.slaMet") }, pct(p.sla.compliance)),
          h("td", { class: "num", "data-label": t("fig.rework") }, pct(p.rework_rate)),
          h("td", { class: "num", "data-label": t("fig.escalated") }, pct(p.escalation_rate)),
          h("td", { class: "num csat" + (p.satisfaction.csat == null ? " muted" : ""), "data-label": t("fig.csat") }, csat(p.satisfaction, ctx.policy)),
          h("td", { class: "num", "data-label": t("common.requested") }, int(p.requested)),
          h("td", { class: "num", "data-label": t("fig.p50") }, duration(lt.p50)),
          h("td", { class: "num", "data-label": t("fig.p90") }, duration(lt.p90)),
        );
      }),
    ),
  );
  out.replaceChildren(h("div", { class: "scroll", tabindex: "0", role: "region", "aria-label": t("hotspots.table") }, table));
}
