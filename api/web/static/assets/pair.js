// The pair page (#/pairs/{supplier}/{customer}): one pair's figures for
// the window, its agreement, charts per week (per month for long windows),
// the hand-offs open between them, the latest rating comments (pairwork.js)
// and the recognitions the customer sent the supplier.

import { call, newIdempotencyKey, refused } from "./api.js";
import { h, pct, pct0, csat, int, duration, score, driver, drivers, when, relative, num, DRIVER_KEYS } from "./format.js";
import { t } from "./i18n.js";
import { busy, failed, done, errorBox } from "./view.js";
import { lineChart, barChart, stackChart, span, COLOURS, DRIVER_STYLE } from "./charts.js";
import { pairWork } from "./pairwork.js";

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
  busy(out, t("pair.loading"));
  const win = ctx.window();
  const step = stepFor(win);
  const params = { supplier, customer };
  const query = ctx.read();
  let pair, series, recs, agreement, open, comments;
  try {
    [pair, series, recs] = await Promise.all([
      call("pair", { params, query }),
      call("series", { params, query: { ...query, step } }),
      call("recognitions", { params, query }),
    ]);
    [agreement, open, comments] = await pairWork(supplier, customer, pair, ctx);
  } catch (err) {
    return failed(out, err);
  }
  done(out);
  // replaceChildren writes a null as the text "null": leave absent parts out.
  out.replaceChildren(...[
    summary(pair, ctx),
    h("h2", {}, step === "month" ? t("pair.monthly") : t("pair.weekly")),
    charts(series, step),
    series.length ? table(series, step, ctx) : null,
    agreement,
    open,
    comments,
    h("h2", {}, t("pair.recognitions")),
    recognitions(recs.recognitions, ctx),
    canRecognise(ctx.me, customer) ? recogniseForm(supplier, customer, ctx, out) : null,
  ].filter(Boolean));
  // Opened from a bright spot's "Thank": straight to the form.
  if (ctx.thank === `${supplier}/${customer}`) {
    ctx.thank = "";
    const text = document.getElementById("rec-message");
    if (text) {
      text.scrollIntoView({ block: "center" });
      text.focus();
    }
  }
}

function summary(p, ctx) {
  const lt = p.lead_time_s;
  const cells = [
    [t("common.requested"), int(p.requested)],
    [t("fig.slaMet"), pct(p.sla.compliance)],
    [t("fig.p50"), duration(lt.p50)],
    [t("fig.p90"), duration(lt.p90)],
    [t("fig.csat"), csat(p.satisfaction, ctx.policy)],
    [t("fig.friction"), score(p.friction.score)],
    [t("fig.topDriver"), driver(p.friction.top_driver)],
    [t("fig.rework"), pct(p.rework_rate)],
    [t("fig.escalated"), pct(p.escalation_rate)],
    [t("pair.open"), int(p.open)],
  ];
  return h("dl", { class: "figures", title: drivers(p.friction) }, cells.map(([k, v]) => h("div", {}, h("dt", {}, k), h("dd", {}, v))));
}

function charts(buckets, step) {
  // Lead times in days when the slowest is over three days, else in hours.
  const slowest = Math.max(0, ...buckets.map((b) => b.lead_time_s.p90).filter((v) => typeof v === "number"));
  const [per, unit] = slowest > 3 * 86400 ? [86400, "d"] : [3600, "h"];
  const inUnit = (sec) => (typeof sec === "number" ? sec / per : sec);
  if (buckets.length === 0) return h("p", { class: "empty" }, t("pair.noBuckets"));
  const xunit = step === "month" ? t("chart.month") : t("chart.week");
  const wholes = (v) => int(v);
  return h(
    "div",
    { class: "charts", "data-buckets": buckets.length },
    lineChart(buckets, { id: "sla", title: t("chart.sla"), unit: t("chart.slaUnit"), xunit, max: 1, fmt: pct0, empty: t("chart.noCompletion"), series: [{ name: t("fig.slaMet"), colour: COLOURS.blue, value: (b) => b.sla.compliance }] }),
    lineChart(buckets, {
      id: "lead", title: t("fig.leadTime"), unit: unit === "d" ? t("chart.days") : t("chart.hours"), xunit, fmt: (v) => t(`unit.${unit}`, { n: num(v) }), empty: t("chart.noCompletion"),
      series: [
        { name: "p50", colour: COLOURS.blue, value: (b) => inUnit(b.lead_time_s.p50) },
        { name: "p90", colour: COLOURS.orange, dash: "6 4", value: (b) => inUnit(b.lead_time_s.p90) },
      ],
    }),
    lineChart(buckets, { id: "csat", title: t("chart.csat"), unit: t("chart.csatUnit"), xunit, max: 1, fmt: pct0, empty: t("chart.noRatings"), series: [{ name: t("fig.csat"), colour: COLOURS.green, value: (b) => b.satisfaction.csat }] }),
    stackChart(buckets, {
      id: "friction", title: t("chart.friction"), unit: t("chart.frictionUnit"), xunit, max: 100, fmt: wholes, total: t("fig.friction"), totalLegend: t("chart.frictionTotal"),
      value: (b) => b.friction.score, valueText: score,
      parts: DRIVER_KEYS.map((k) => ({ key: k, name: t(`driver.${k}`), ...DRIVER_STYLE[k], value: (b) => b.friction.drivers && b.friction.drivers[k] })),
    }),
    barChart(buckets, { id: "volume", title: t("chart.volume"), unit: t("chart.volumeUnit"), xunit, name: t("common.requested"), whole: true, colour: COLOURS.sky, fmt: wholes, value: (b) => b.requested }),
  );
}

// table gives the charts' figures as text, for keyboards and screen readers.
function table(buckets, step, ctx) {
  const cols = [
    [t("fig.slaMet"), (b) => pct(b.sla.compliance)],
    [t("fig.p50"), (b) => duration(b.lead_time_s.p50)],
    [t("fig.p90"), (b) => duration(b.lead_time_s.p90)],
    [t("fig.csat"), (b) => csat(b.satisfaction, ctx.policy)],
    [t("fig.friction"), (b) => score(b.friction.score)],
    ...DRIVER_KEYS.map((k) => [t(`driver.${k}`), (b) => score(b.friction.drivers && b.friction.drivers[k])]),
    [t("common.requested"), (b) => int(b.requested)],
  ];
  return h("details", { class: "series-table" },
    h("summary", {}, step === "month" ? t("pair.tableMonth") : t("pair.tableWeek")),
    h("div", { class: "scroll", tabindex: "0", role: "region", "aria-label": t("pair.tableLabel") },
      h("table", { class: "data" },
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, step === "month" ? t("pair.month") : t("pair.week")), cols.map(([c]) => h("th", { scope: "col", class: "num" }, c)))),
        h("tbody", {}, buckets.map((b) => h("tr", {}, h("th", { scope: "row" }, span(b)), cols.map(([, f]) => h("td", { class: "num" }, f(b)))))))));
}

function recognitions(list, ctx) {
  if (list.length === 0) return h("p", { class: "empty", id: "pair-recs" }, t("pair.noRecognitions"));
  return h("ul", { class: "recognitions", id: "pair-recs" }, list.map((r) =>
    h("li", {}, h("blockquote", {}, r.message), h("p", { class: "muted" },
      t("recognition.by", { author: r.author, department: ctx.name(r.from) }), " · ", h("time", { datetime: r.occurred_at, title: relative(r.occurred_at) }, when(r.occurred_at))))));
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
  // One idempotency key per message, kept when the same message is sent
  // again after a network or server error; a refusal drops it, so the
  // message sent after it is a new request.
  let pending = null;
  const form = h(
    "form",
    { class: "card stacked", id: "rec-form", autocomplete: "off" },
    h("label", { for: "rec-message" }, t("pair.thank", { supplier: ctx.name(supplier), customer: ctx.name(customer) })),
    text,
    h("div", {}, h("button", { type: "submit" }, t("pair.sendRecognition"))),
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
      if (refused(err)) pending = null;
      msg.replaceChildren(errorBox(err));
      form.querySelector("button").disabled = false;
    }
  });
  return form;
}
