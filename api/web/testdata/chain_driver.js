// Test-only: once the chain is drawn, samples every edge's stroke and
// arrowhead as the browser lays them out and lists each edge that comes
// within half its stroke width of a node it does not start or end at. The
// fake API serves it; it is not part of the embedded page.

import { until } from "./until.js";

await until(() => document.querySelector("svg.chain .edge"), "the chain's edges");
const nodes = [...document.querySelectorAll("svg.chain .node")].map((g) => {
  const c = g.querySelector("circle");
  const x = +c.getAttribute("cx");
  const y = +c.getAttribute("cy");
  const r = +c.getAttribute("r");
  return { id: g.dataset.id, x0: x - r, y0: y - r, x1: x + r, y1: y + r };
});
const through = [];
for (const g of document.querySelectorAll("svg.chain .edge")) {
  const { supplier, customer } = g.dataset;
  const line = g.querySelector(".line");
  const half = +line.getAttribute("stroke-width") / 2;
  const points = [];
  for (const path of [line, g.querySelector(".head")]) {
    const len = path.getTotalLength();
    for (let at = 0; at <= len; at += 1) points.push(path.getPointAtLength(at));
  }
  for (const n of nodes) {
    if (n.id === supplier || n.id === customer) continue;
    const pad = half;
    if (points.some((p) => p.x > n.x0 - pad && p.x < n.x1 + pad && p.y > n.y0 - pad && p.y < n.y1 + pad)) {
      through.push(`${supplier} → ${customer} through ${n.id}`);
    }
  }
}
document.body.dataset.edges = String(document.querySelectorAll("svg.chain .edge").length);
document.body.dataset.through = JSON.stringify(through);
document.body.dataset.driver = "done";
