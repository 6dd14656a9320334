// The service chain: departments on a circle, an arrow per supplier →
// customer pair, coloured by friction and as wide as its volume, routed
// around the nodes it does not join (route.js).

import { call } from "./api.js";
import { h, s, score, pct, int, level } from "./format.js";
import { busy, failed, done } from "./view.js";
import { t } from "./i18n.js";
import { pairLink, pairHref } from "./brightspots.js";
import { box as nodeBox, route } from "./route.js";

const R = 210; // circle of nodes
const FONT = 14; // label size, as in the stylesheet
const NODE = 16; // node radius

export async function renderChain(out, ctx) {
  busy(out, t("chain.loading"));
  let data;
  try {
    data = await call("chain", { query: ctx.read() });
  } catch (err) {
    return failed(out, err);
  }
  // Chain in openapi.json: the nodes are every department of the edges.
  const edges = data.edges;
  const ids = data.nodes.map((n) => n.id);
  done(out);
  if (ids.length === 0) {
    out.replaceChildren(h("p", { class: "empty" }, t("common.noHandoffs")));
    return;
  }
  const nodeName = (id) => ctx.name(id);
  out.replaceChildren(graph(ids, edges, nodeName), legend(), edgeTable(edges, nodeName));
}

function graph(ids, edges, nodeName) {
  const cx = 0;
  const cy = 0;
  // The view box hugs the nodes and their labels (widths estimated).
  const box = { x0: -R - NODE, y0: -R - NODE, x1: R + NODE, y1: R + NODE };
  const pos = new Map(
    ids.map((id, i) => {
      const a = -Math.PI / 2 + (2 * Math.PI * i) / ids.length;
      return [id, { x: cx + R * Math.cos(a), y: cy + R * Math.sin(a), a }];
    }),
  );
  const maxVol = Math.max(1, ...edges.map((e) => e.volume || 0));
  const svg = s("svg", {
    class: "chain",
    viewBox: "0 0 0 0", // set once the labels are placed
    role: "img",
    "aria-labelledby": "chain-title chain-desc",
  });
  svg.append(
    s("title", { id: "chain-title" }, t("chain.title")),
    s("desc", { id: "chain-desc" }, t("chain.desc", { departments: t("chain.departments", { count: ids.length }), pairs: t("chain.pairs", { count: edges.length }) })),
  );
  // Busiest first, so thin edges are drawn over thick ones.
  const sorted = [...edges].sort((a, b) => (b.volume || 0) - (a.volume || 0));
  const g = s("g", { class: "edges" });
  for (const e of sorted) {
    const p1 = pos.get(e.supplier);
    const p2 = pos.get(e.customer);
    if (!p1 || !p2 || e.supplier === e.customer) continue;
    const lvl = level(e.friction_score);
    const width = 1.5 + 7 * Math.sqrt(e.volume / maxVol);
    const others = ids.filter((id) => id !== e.supplier && id !== e.customer).map((id) => nodeBox(pos.get(id), NODE));
    const { line, head } = route(p1, p2, NODE, width, others);
    g.append(
      // Each edge opens its pair's page.
      s("a", { href: pairHref(e.supplier, e.customer), class: "edge-link" }, s("g", { class: `edge lvl-${lvl}`, "data-supplier": e.supplier, "data-customer": e.customer },
        s("title", {}, t("chain.edgeTitle", { pair: `${nodeName(e.supplier)} → ${nodeName(e.customer)}`, count: e.volume, friction: score(e.friction_score), sla: pct(e.compliance) })),
        s("path", { class: "line", d: line, "stroke-width": width.toFixed(2) }),
        s("path", { class: "head", d: head }))),
    );
  }
  const nodes = s("g", { class: "nodes" });
  for (const id of ids) {
    const p = pos.get(id);
    const out = edges.filter((e) => e.supplier === id).reduce((n, e) => n + (e.volume || 0), 0);
    const inn = edges.filter((e) => e.customer === id).reduce((n, e) => n + (e.volume || 0), 0);
    const lx = cx + (R + NODE + 8) * Math.cos(p.a);
    const ly = cy + (R + NODE + 8) * Math.sin(p.a);
    const c = Math.cos(p.a);
    const anchor = Math.abs(c) < 0.2 ? "middle" : c > 0 ? "start" : "end";
    const dy = Math.sin(p.a) > 0.8 ? "0.9em" : Math.sin(p.a) < -0.8 ? "-0.2em" : "0.35em";
    const w = 0.62 * FONT * nodeName(id).length;
    const x0 = anchor === "start" ? lx : anchor === "end" ? lx - w : lx - w / 2;
    box.x0 = Math.min(box.x0, x0);
    box.x1 = Math.max(box.x1, x0 + w);
    box.y0 = Math.min(box.y0, ly - 1.3 * FONT);
    box.y1 = Math.max(box.y1, ly + 1.3 * FONT);
    nodes.append(
      s("g", { class: "node", "data-id": id },
        s("title", {}, t("chain.nodeTitle", { department: nodeName(id), out: int(out), count: inn })),
        s("circle", { cx: p.x.toFixed(1), cy: p.y.toFixed(1), r: NODE }),
        s("text", { x: lx.toFixed(1), y: ly.toFixed(1), dy, "text-anchor": anchor }, nodeName(id)),
      ),
    );
  }
  svg.append(g, nodes);
  const pad = 8;
  svg.setAttribute("viewBox", [box.x0 - pad, box.y0 - pad, box.x1 - box.x0 + 2 * pad, box.y1 - box.y0 + 2 * pad].map((n) => n.toFixed(0)).join(" "));
  return h("figure", { class: "chain-fig" }, svg);
}

function legend() {
  const item = (l, text) => h("li", {}, h("span", { class: `swatch lvl-${l}`, "aria-hidden": "true" }), text);
  return h(
    "ul",
    { class: "legend", "aria-label": t("common.legend") },
    item("low", t("chain.low")),
    item("medium", t("chain.medium")),
    item("high", t("chain.high")),
    item("none", t("chain.noScore")),
    h("li", {}, t("chain.wider")),
  );
}

function edgeTable(edges, nodeName) {
  const rows = [...edges].sort((a, b) => (b.friction_score ?? -1) - (a.friction_score ?? -1));
  return h(
    "details",
    { class: "chain-table" },
    h("summary", {}, t("chain.asTable", { count: edges.length })),
    h("div", { class: "scroll" },
      h("table", { class: "data" },
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("common.pair")), h("th", { scope: "col", class: "num" }, t("common.requested")), h("th", { scope: "col", class: "num" }, t("fig.friction")), h("th", { scope: "col", class: "num" }, t("fig.slaMet")))),
        h("tbody", {}, rows.map((e) =>
          h("tr", {},
            h("th", { scope: "row" }, pairLink({ name: nodeName }, e.supplier, e.customer)),
            h("td", { class: "num" }, int(e.volume)),
            h("td", { class: "num" }, score(e.friction_score)),
            h("td", { class: "num" }, pct(e.compliance)),
          ))),
      )),
  );
}
