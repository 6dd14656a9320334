// Friction hotspots: the pairs with the highest friction score.

import { call } from "./api.js";
import { h, bar, driver, drivers, pct, csat, int, duration } from "./format.js";
import { busy, failed, done } from "./view.js";
import { pairLink } from "./brightspots.js";

// renderHotspots lists the pairs with at least the policy's minimum volume
// ("me" endpoint), in the API's order (HotspotList in openapi.json).
export async function renderHotspots(out, ctx) {
  const { min_volume: minVolume, anonymity_min: anonymityMin } = ctx.policy;
  document.getElementById("hotspots-min-volume").textContent = String(minVolume);
  busy(out, "Loading hotspots…");
  let data;
  try {
    data = await call("hotspots", { query: { ...ctx.window(), limit: 20, min_volume: minVolume } });
  } catch (err) {
    return failed(out, err);
  }
  done(out);
  const pairs = data.hotspots;
  if (pairs.length === 0) {
    out.replaceChildren(h("p", { class: "empty" }, `No pair had ${minVolume} or more hand-offs requested in this window.`));
    return;
  }
  const head = [
    ["Supplier → customer", ""],
    ["Friction", "Friction score, 0–100"],
    ["Top driver", "What contributes most to the score"],
    ["SLA met", "Share of completed hand-offs delivered within the agreed lead time"],
    ["Rework", "Share of deliveries returned"],
    ["Escalated", "Share of hand-offs escalated"],
    ["CSAT", `Share of ratings of 4 or 5; hidden below ${anonymityMin} ratings`],
    ["Req.", "Hand-offs requested"],
    ["p50", "Median lead time, request to delivery"],
    ["p90", "90th percentile lead time"],
  ];
  const table = h(
    "table",
    { class: "data hotspots stack" },
    h("caption", { class: "sr-only" }, "Friction hotspots, highest friction first"),
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
          h("td", { class: "friction", "data-label": "Friction", title: drivers(f) }, bar(f.score)),
          h("td", { "data-label": "Top driver" }, driver(f.top_driver)),
          h("td", { class: "num", "data-label": "SLA met" }, pct(p.sla.compliance)),
          h("td", { class: "num", "data-label": "Rework" }, pct(p.rework_rate)),
          h("td", { class: "num", "data-label": "Escalated" }, pct(p.escalation_rate)),
          h("td", { class: "num csat" + (p.satisfaction.csat == null ? " muted" : ""), "data-label": "CSAT" }, csat(p.satisfaction, ctx.policy)),
          h("td", { class: "num", "data-label": "Requested" }, int(p.requested)),
          h("td", { class: "num", "data-label": "Lead time p50" }, duration(lt.p50)),
          h("td", { class: "num", "data-label": "Lead time p90" }, duration(lt.p90)),
        );
      }),
    ),
  );
  out.replaceChildren(h("div", { class: "scroll", tabindex: "0", role: "region", "aria-label": "Hotspots table" }, table));
}
