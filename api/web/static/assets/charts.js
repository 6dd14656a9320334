// Small SVG charts drawn by the page: lines over time and bars, with
// axes, units and a read-out on hover (title elements). The colours are
// the Okabe–Ito palette, told apart by colour-blind readers too; lines
// also differ by dash so colour is never the only cue.

import { h, s } from "./format.js";

export const COLOURS = { blue: "#0072B2", orange: "#E69F00", green: "#009E73", vermillion: "#D55E00", purple: "#CC79A7", sky: "#56B4E9" };

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
  const empty = lines.every((g) => g.querySelector("circle") === null) && opts.empty;
  return figure(opts, buckets, x, y, ymax, W, lines, empty ? s("text", { class: "note", x: M.left + 8, y: M.top + 20 }, opts.empty) : null);
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
    { viewBox: `0 0 ${W} ${H}`, class: "chart", role: "img", "aria-label": `${opts.title}, ${buckets.length} ${buckets.length === 1 ? "bucket" : "buckets"}` },
    s("g", { class: "axis y" },
      ticks.map((t) => s("g", {},
        s("line", { x1: M.left, x2: W - M.right, y1: y(t), y2: y(t), stroke: "#d0d4da", "stroke-width": 1 }),
        s("text", { x: M.left - 6, y: y(t) + 4, "text-anchor": "end" }, opts.fmt(t)))),
      s("text", { class: "unit", x: 12, y: M.top + (H - M.top - M.bottom) / 2, transform: `rotate(-90 12 ${M.top + (H - M.top - M.bottom) / 2})`, "text-anchor": "middle" }, opts.unit)),
    s("g", { class: "axis x" },
      s("line", { x1: M.left, x2: W - M.right, y1: y(0), y2: y(0), stroke: "#6b7280", "stroke-width": 1 }),
      buckets.map((b, i) => (i % every === 0 ? s("text", { x: x(i), y: H - M.bottom + 16, "text-anchor": "middle" }, short(b.from)) : null)),
      s("text", { class: "unit", x: M.left + (W - M.left - M.right) / 2, y: H - 4, "text-anchor": "middle" }, opts.xunit || "bucket start")),
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

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

// short formats a YYYY-MM-DD date as "3 Nov".
function short(ymd) {
  const [, m, d] = ymd.split("-").map(Number);
  return `${d} ${MONTHS[m - 1]}`;
}

// span names a bucket's days: "3 Nov – 9 Nov" (to is exclusive).
export function span(b) {
  const last = new Date(Date.parse(`${b.to}T00:00:00Z`) - 86400000).toISOString().slice(0, 10);
  return last === b.from ? short(b.from) : `${short(b.from)} – ${short(last)}`;
}
