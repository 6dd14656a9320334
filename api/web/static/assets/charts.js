// Small SVG charts drawn by the page: lines over time and bars, with
// axes, units and a read-out on hover (title elements). The colours are
// the Okabe–Ito palette, told apart by colour-blind readers too; lines
// also differ by dash and stacked parts by pattern, so colour is never the
// only cue.

import { h, s, day } from "./format.js";
import { t } from "./i18n.js";

export const COLOURS = { blue: "#0072B2", orange: "#E69F00", green: "#009E73", vermillion: "#D55E00", purple: "#CC79A7", sky: "#56B4E9" };

// DRIVER_STYLE: the friction drivers' colour and pattern (solid, stripes,
// dots, cross-hatch).
export const DRIVER_STYLE = {
  breach: { colour: COLOURS.vermillion, pattern: "solid" },
  rework: { colour: COLOURS.orange, pattern: "stripes" },
  dissatisfaction: { colour: COLOURS.purple, pattern: "dots" },
  escalation: { colour: COLOURS.blue, pattern: "hatch" },
};

// The drawing is as wide as a phone's screen on phones, so its text keeps
// its size instead of shrinking with the chart.
const width = () => (window.innerWidth < 640 ? 340 : 560);
const H = 220;
const M = { top: 12, right: 16, bottom: 40, left: 56 };
const isNum = (x) => typeof x === "number" && Number.isFinite(x);

// lineChart draws one line per series over the buckets, one point per
// bucket with a value. opts: title, unit (axis label), max (y top, else
// from the data), fmt (value -> text), series [{name, colour, dash, value(bucket)}].
export function lineChart(buckets, opts) {
  const { x, plot, ymax, W } = frame(buckets, opts, opts.series.flatMap((se) => buckets.map(se.value)));
  const y = (v) => M.top + plot.h - (v / ymax) * plot.h;
  const lines = opts.series.map((se) => {
    const pts = buckets.map((b, i) => [i, se.value(b)]).filter(([, v]) => isNum(v));
    // Break the line where a bucket has no value.
    let d = "";
    let prev = -2;
    for (const [i, v] of pts) {
      d += `${i === prev + 1 ? "L" : "M"}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
      prev = i;
    }
    return s(
      "g",
      { class: "series", "data-series": se.name },
      s("path", { d, fill: "none", stroke: se.colour, "stroke-width": 2, "stroke-dasharray": se.dash || null }),
      pts.map(([i, v]) =>
        s("circle", { class: "pt", cx: x(i).toFixed(1), cy: y(v).toFixed(1), r: 4, fill: se.colour, "data-value": v },
          s("title", {}, `${span(buckets[i])}: ${se.name} ${opts.fmt(v)}${se.more ? se.more(buckets[i]) : ""}`))),
    );
  });
  const fig = figure(opts, buckets, x, y, ymax, W, lines);
  // A chart without a value says so above its axes, as text that wraps
  // (in the drawing it ran past a phone's edge).
  if (opts.empty && lines.every((g) => g.querySelector("circle") === null)) {
    fig.querySelector("figcaption").after(h("p", { class: "note chart-empty" }, opts.empty));
  }
  return fig;
}

// barChart draws one bar per bucket.
export function barChart(buckets, opts) {
  const { x, plot, ymax, step, W } = frame(buckets, opts, buckets.map(opts.value));
  const y = (v) => M.top + plot.h - (v / ymax) * plot.h;
  const bw = Math.max(2, Math.min(28, step * 0.7));
  const bars = s(
    "g",
    { class: "series", "data-series": opts.name },
    buckets.map((b, i) => {
      const v = opts.value(b);
      if (!isNum(v)) return null;
      return s("rect", { class: "pt", x: (x(i) - bw / 2).toFixed(1), y: y(v).toFixed(1), width: bw.toFixed(1), height: Math.max(0, M.top + plot.h - y(v)).toFixed(1), fill: opts.colour, "data-value": v },
        s("title", {}, `${span(b)}: ${opts.name} ${opts.fmt(v)}`));
    }),
  );
  return figure(opts, buckets, x, y, ymax, W, [bars]);
}

// stackChart draws one stacked bar per bucket: a segment per part
// (opts.parts [{key, name, colour, pattern, value(bucket)}]), each filled
// with its colour and pattern, and the total (opts.value) as a mark on
// top; hovering a segment or the mark reads out the bucket's parts.
export function stackChart(buckets, opts) {
  const { x, plot, ymax, step, W } = frame(buckets, opts, buckets.map(opts.value));
  const y = (v) => M.top + plot.h - (v / ymax) * plot.h;
  const bw = Math.max(3, Math.min(28, step * 0.7));
  const id = (p, suffix = "") => `pat-${opts.id}-${p.key}${suffix}`;
  const defs = s("defs", {}, opts.parts.map((p) => pattern(id(p), p)));
  const readout = (b) => {
    const parts = opts.parts.filter((p) => isNum(p.value(b))).map((p) => `${p.name} ${opts.valueText(p.value(b))}`);
    return `${span(b)}: ${opts.total} ${opts.valueText(opts.value(b))}${parts.length ? ` = ${parts.join(" + ")}` : ""}`;
  };
  const bars = s("g", { class: "stack" }, buckets.map((b, i) => {
    const total = opts.value(b);
    if (!isNum(total)) return null;
    let base = 0;
    const segs = opts.parts.map((p) => {
      const v = p.value(b);
      if (!isNum(v) || v <= 0) return null;
      const rect = s("rect", { class: "seg", "data-driver": p.key, "data-value": v, x: (x(i) - bw / 2).toFixed(1), y: y(base + v).toFixed(1),
        width: bw.toFixed(1), height: Math.max(0, y(base) - y(base + v)).toFixed(1), fill: `url(#${id(p)})`, stroke: "#fff", "stroke-width": 0.5 },
      s("title", {}, `${span(b)}: ${p.name} ${opts.valueText(v)} (${opts.total} ${opts.valueText(total)})`));
      base += v;
      return rect;
    });
    // The total: a tick across the top of the bar, as wide as the bar.
    const mark = s("rect", { class: "pt", x: (x(i) - bw / 2 - 2).toFixed(1), y: (y(total) - 1.5).toFixed(1), width: (bw + 4).toFixed(1), height: 3, fill: "#1b1f24", "data-value": total },
      s("title", {}, readout(b)));
    return s("g", { class: "bucket" }, segs, mark);
  }));
  const fig = figure(opts, buckets, x, y, ymax, W, [defs, bars]);
  fig.append(h("ul", { class: "legend" }, opts.parts.map((p) => h("li", { "data-driver": p.key },
    s("svg", { width: 16, height: 12, "aria-hidden": "true", class: "key" }, s("defs", {}, pattern(id(p, "-key"), p)),
      s("rect", { x: 0.5, y: 0.5, width: 15, height: 11, fill: `url(#${id(p, "-key")})`, stroke: "#1b1f24", "stroke-width": 0.5 })),
    p.name)),
  h("li", { "data-total": "" }, s("svg", { width: 16, height: 12, "aria-hidden": "true", class: "key" },
    s("rect", { x: 0, y: 4.5, width: 16, height: 3, fill: "#1b1f24" })), opts.totalLegend || opts.total)));
  return fig;
}

// pattern is a fill of a colour with a texture drawn in white over it.
function pattern(id, p) {
  const size = 6;
  const tex = {
    solid: [],
    stripes: [s("path", { d: "M-1,1 L1,-1 M0,6 L6,0 M5,7 L7,5", stroke: "#fff", "stroke-width": 1.6 })],
    dots: [s("circle", { cx: 3, cy: 3, r: 1.3, fill: "#fff" })],
    hatch: [s("path", { d: "M0,3 H6 M3,0 V6", stroke: "#fff", "stroke-width": 1.2 })],
  }[p.pattern] || [];
  return s("pattern", { id, width: size, height: size, patternUnits: "userSpaceOnUse" },
    s("rect", { width: size, height: size, fill: p.colour }), tex);
}

function frame(buckets, opts, values) {
  const W = width();
  const plot = { w: W - M.left - M.right, h: H - M.top - M.bottom };
  const n = Math.max(1, buckets.length);
  const step = plot.w / n;
  const x = (i) => M.left + step * (i + 0.5);
  const top = Math.max(0, ...values.filter(isNum));
  // Counts get a top of at least 4, so the four tick steps are whole.
  const ymax = opts.max || (opts.whole ? Math.max(4, Math.ceil(nice(top || 1) / 4) * 4) : nice(top || 1));
  return { x, plot, ymax, step, W };
}

// nice rounds a maximum up to 1, 2, 4 or 8 times a power of ten, so
// its quarters (the ticks) are short numbers.
function nice(v) {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 4, 8, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}

function figure(opts, buckets, x, y, ymax, W, ...marks) {
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * ymax);
  const every = Math.max(1, Math.ceil(buckets.length / (W < 400 ? 4 : 6)));
  const svg = s(
    "svg",
    { viewBox: `0 0 ${W} ${H}`, class: "chart", role: "img", "aria-label": `${opts.title}, ${t("chart.buckets", { count: buckets.length })}` },
    s("g", { class: "axis y" },
      ticks.map((t) => s("g", {},
        s("line", { x1: M.left, x2: W - M.right, y1: y(t), y2: y(t), stroke: "#d0d4da", "stroke-width": 1 }),
        s("text", { x: M.left - 6, y: y(t) + 4, "text-anchor": "end" }, opts.fmt(t)))),
      s("text", { class: "unit", x: 12, y: M.top + (H - M.top - M.bottom) / 2, transform: `rotate(-90 12 ${M.top + (H - M.top - M.bottom) / 2})`, "text-anchor": "middle" }, opts.unit)),
    s("g", { class: "axis x" },
      s("line", { x1: M.left, x2: W - M.right, y1: y(0), y2: y(0), stroke: "#6b7280", "stroke-width": 1 }),
      buckets.map((b, i) => (i % every === 0 ? s("text", { x: x(i), y: H - M.bottom + 16, "text-anchor": "middle" }, short(b.from)) : null)),
      s("text", { class: "unit", x: M.left + (W - M.left - M.right) / 2, y: H - 4, "text-anchor": "middle" }, opts.xunit)),
    marks,
  );
  const legend = opts.series && opts.series.length > 1
    ? h("ul", { class: "legend" }, opts.series.map((se) => h("li", {}, legendKey(se), se.name)))
    : null;
  return h("figure", { class: "chart-box", "data-chart": opts.id || null }, h("figcaption", {}, opts.title), svg, legend);
}

function legendKey(se) {
  return s("svg", { width: 24, height: 10, "aria-hidden": "true", class: "key" },
    s("line", { x1: 0, x2: 24, y1: 5, y2: 5, stroke: se.colour, "stroke-width": 3, "stroke-dasharray": se.dash || null }));
}

// short formats a YYYY-MM-DD date as "3 Nov" ("3 nov" in Spanish).
function short(ymd) {
  return day(ymd, true);
}

// span names a bucket's days: "3 Nov – 9 Nov" (to is exclusive).
export function span(b) {
  const last = new Date(Date.parse(`${b.to}T00:00:00Z`) - 86400000).toISOString().slice(0, 10);
  return last === b.from ? short(b.from) : `${short(b.from)} – ${short(last)}`;
}
