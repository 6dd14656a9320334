// The pair page (#/pairs/{supplier}/{customer}): one pair's figures for
// the window, charts per week (per month for long windows) and the
// recognitions the customer sent the supplier.

import { call, newIdempotencyKey } from "./api.js";
import { h, pct, csat, int, duration, score, driver, drivers, when } from "./format.js";
import { busy, failed, done, errorBox } from "./view.js";
import { lineChart, barChart, span, COLOURS } from "./charts.js";

const DAY = 86400000;

// stepFor picks weeks, or months for windows over 26 weeks.
export function stepFor(win) {
  if (!win.from || !win.to) return "week";
  const days = (Date.parse(win.to) - Date.parse(win.from)) / DAY;
  return days > 26 * 7 ? "month" : "week";
}

// renderPair shows the pair (Figures, SeriesBucket and RecognitionList in
// openapi.json).
export async function renderPair(out, supplier, customer, ctx) {
  const title = `${ctx.name(supplier)} → ${ctx.name(customer)}`;
  document.getElementById("pair-h").textContent = title;
  document.title = `${title} · Cadena`;
  busy(out, "Loading the pair…");
  const win = ctx.window();
  const step = stepFor(win);
  const params = { supplier, customer };
  const query = { ...win, min_position: ctx.position || undefined };
  let pair, series, recs;
  try {
    [pair, series, recs] = await Promise.all([
      call("pair", { params, query }),
      call("series", { params, query: { ...query, step } }),
      call("recognitions", { params, query }),
    ]);
  } catch (err) {
    return failed(out, err);
  }
  done(out);
  out.replaceChildren(
    summary(pair, ctx),
    h("h2", {}, step === "month" ? "Month by month" : "Week by week"),
    charts(series, step),
    series.length ? table(series, step, ctx) : null,
    h("h2", {}, "Recognitions"),
    recognitions(recs.recognitions, ctx),
    canRecognise(ctx.me, customer) ? recogniseForm(supplier, customer, ctx, out) : null,
  );
}

function summary(p, ctx) {
  const lt = p.lead_time_s;
  const cells = [
    ["Requested", int(p.requested)],
    ["SLA met", pct(p.sla.compliance)],
    ["Lead time p50", duration(lt.p50)],
    ["Lead time p90", duration(lt.p90)],
    ["CSAT", csat(p.satisfaction, ctx.policy)],
    ["Friction", score(p.friction.score)],
    ["Top driver", driver(p.friction.top_driver)],
    ["Rework", pct(p.rework_rate)],
    ["Escalated", pct(p.escalation_rate)],
    ["Open", int(p.open)],
  ];
  return h("dl", { class: "figures", title: drivers(p.friction) }, cells.map(([k, v]) => h("div", {}, h("dt", {}, k), h("dd", {}, v))));
}

function charts(buckets, step) {
  // Lead times in days when the slowest is over three days, else in hours.
  const slowest = Math.max(0, ...buckets.map((b) => b.lead_time_s.p90).filter((v) => typeof v === "number"));
  const [per, unit, sym] = slowest > 3 * 86400 ? [86400, "days", "d"] : [3600, "hours", "h"];
  const inUnit = (sec) => (typeof sec === "number" ? sec / per : sec);
  if (buckets.length === 0) return h("p", { class: "empty" }, "No buckets in this window.");
  const xunit = step === "month" ? "month starting" : "week starting (Monday)";
  const pctf = (v) => `${Math.round(v * 100)}%`;
  return h(
    "div",
    { class: "charts", "data-buckets": buckets.length },
    lineChart(buckets, { id: "sla", title: "SLA compliance", unit: "% met", xunit, max: 1, fmt: pctf, empty: "No hand-off completed.", series: [{ name: "SLA met", colour: COLOURS.blue, value: (b) => b.sla.compliance }] }),
    lineChart(buckets, {
      id: "lead", title: "Lead time", unit, xunit, fmt: (v) => `${trim1(v)} ${sym}`, empty: "No hand-off completed.",
      series: [
        { name: "p50", colour: COLOURS.blue, value: (b) => inUnit(b.lead_time_s.p50) },
        { name: "p90", colour: COLOURS.orange, dash: "6 4", value: (b) => inUnit(b.lead_time_s.p90) },
      ],
    }),
    lineChart(buckets, { id: "csat", title: "CSAT (share of ratings of 4 or 5)", unit: "% satisfied", xunit, max: 1, fmt: pctf, empty: "No ratings shown (too few, or none).", series: [{ name: "CSAT", colour: COLOURS.green, value: (b) => b.satisfaction.csat }] }),
    lineChart(buckets, { id: "friction", title: "Friction score", unit: "score 0–100", xunit, max: 100, fmt: (v) => String(Math.round(v)), series: [{ name: "Friction", colour: COLOURS.vermillion, value: (b) => b.friction.score, more: (b) => (drivers(b.friction) ? ` (${drivers(b.friction)})` : "") }] }),
    barChart(buckets, { id: "volume", title: "Volume", unit: "hand-offs requested", xunit, name: "Requested", whole: true, colour: COLOURS.sky, fmt: (v) => String(Math.round(v)), value: (b) => b.requested }),
  );
}

// table gives the charts' figures as text, for keyboards and screen readers.
function table(buckets, step, ctx) {
  const cols = [
    ["SLA met", (b) => pct(b.sla.compliance)],
    ["Lead time p50", (b) => duration(b.lead_time_s.p50)],
    ["Lead time p90", (b) => duration(b.lead_time_s.p90)],
    ["CSAT", (b) => csat(b.satisfaction, ctx.policy)],
    ["Friction", (b) => score(b.friction.score)],
    ["Requested", (b) => int(b.requested)],
  ];
  return h("details", { class: "series-table" },
    h("summary", {}, step === "month" ? "The figures per month as a table" : "The figures per week as a table"),
    h("div", { class: "scroll", tabindex: "0", role: "region", "aria-label": "Figures per bucket" },
      h("table", { class: "data" },
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, step === "month" ? "Month" : "Week"), cols.map(([c]) => h("th", { scope: "col", class: "num" }, c)))),
        h("tbody", {}, buckets.map((b) => h("tr", {}, h("th", { scope: "row" }, span(b)), cols.map(([, f]) => h("td", { class: "num" }, f(b)))))))));
}

function trim1(x) {
  return x >= 10 ? String(Math.round(x)) : x.toFixed(1).replace(/\.0$/, "");
}

function recognitions(list, ctx) {
  if (list.length === 0) return h("p", { class: "empty", id: "pair-recs" }, "No recognitions in this window.");
  return h("ul", { class: "recognitions", id: "pair-recs" }, list.map((r) =>
    h("li", {}, h("blockquote", {}, r.message), h("p", { class: "muted" }, `${r.author}, ${ctx.name(r.from)} · ${when(r.occurred_at)}`))));
}

// canRecognise: the customer's members and heads, and admins, may thank
// the supplier (the API decides; this only hides a form that would fail).
export function canRecognise(me, customer) {
  if (!me) return false;
  return me.role === "admin" || me.department === customer;
}

function recogniseForm(supplier, customer, ctx, out) {
  const msg = h("div", { role: "status", "aria-live": "polite", class: "form-msg" });
  const text = h("textarea", { id: "rec-message", name: "message", required: true, maxlength: 500, rows: 3 });
  let pending = null; // one idempotency key per message, kept across retries
  const form = h(
    "form",
    { class: "card stacked", id: "rec-form", autocomplete: "off" },
    h("label", { for: "rec-message" }, `Thank ${ctx.name(supplier)} on behalf of ${ctx.name(customer)}`),
    text,
    h("div", {}, h("button", { type: "submit" }, "Send recognition")),
    msg,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const message = text.value.trim();
    if (!message) return;
    if (!pending || pending.message !== message) pending = { key: newIdempotencyKey(), message };
    form.querySelector("button").disabled = true;
    try {
      const res = await call("recognise", { params: { supplier, customer }, body: { message }, headers: { "Idempotency-Key": pending.key } });
      ctx.wrote(res && res.position);
      pending = null;
      renderPair(out, supplier, customer, ctx);
    } catch (err) {
      msg.replaceChildren(errorBox(err));
      form.querySelector("button").disabled = false;
    }
  });
  return form;
}
