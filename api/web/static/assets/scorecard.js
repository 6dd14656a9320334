// A department's scorecard: its figures as a supplier (work it delivers)
// and as a customer (work it receives), the pairs it is part of (each
// linking to the pair's page), the recognitions it received as a supplier
// and its agreements.

import { call } from "./api.js";
import { h, bar, driver, pct, csat, int, duration, score, when, relative, num } from "./format.js";
import { t } from "./i18n.js";
import { pairLink } from "./brightspots.js";
import { busy, failed, done } from "./view.js";
import { span } from "./actions.js";

const $ = (id) => document.getElementById(id);
let wired = false;

// initScorecard fills the department picker and wires it, once per sign-in.
// The address names the department shown (#/scorecard/{id}), so a reload
// or a shared link opens on it; without one it opens on one's own.
export function initScorecard(ctx) {
  const sel = $("scorecard-dept");
  fillDepartments(sel, ctx);
  const has = (id) => !!id && [...sel.options].some((o) => o.value === id);
  // The bare #/scorecard (the tab's link) opens on one's own even after
  // another department was shown.
  const own = (ctx.me && ctx.me.department) || myDepartment.get();
  if (has(ctx.scorecard)) sel.value = ctx.scorecard;
  else if (location.hash === "#/scorecard" && has(own)) sel.value = own;
  ctx.scorecard = "";
  address(sel.value, false);
  if (wired) return;
  wired = true;
  $("scorecard-form").addEventListener("submit", (e) => {
    e.preventDefault();
    renderScorecard($("scorecard-out"), ctx);
  });
  sel.addEventListener("change", () => {
    address(sel.value, true);
    renderScorecard($("scorecard-out"), ctx);
  });
}

// address puts the department in the address bar: a new history entry
// when the user picks another, else in place.
function address(id, push) {
  if (!id) return;
  const to = `#/scorecard/${encodeURIComponent(id)}`;
  if (location.hash === to) return;
  const url = `${location.pathname}${location.search}${to}`;
  if (push) history.pushState(null, "", url);
  else history.replaceState(null, "", url);
}

const MINE = "cadena.department";

// myDepartment is the department last picked as one's own in this tab (on
// the ratings form); the scorecard opens on it.
export const myDepartment = {
  get: () => sessionStorage.getItem(MINE) || "",
  set: (id) => sessionStorage.setItem(MINE, id),
};

// fillDepartments puts the departments in a select, keeping its choice (or
// else choosing one's own department, unless any: the signed-in token's,
// else, for an admin, the one last picked in this tab).
// A prompt, when given, is a first empty choice shown while none is made.
export function fillDepartments(sel, ctx, any = false, prompt = "") {
  const keep = sel.value || (any ? "" : (ctx.me && ctx.me.department) || myDepartment.get());
  // replaceChildren would write a null as the text "null": leave absent
  // choices out.
  sel.replaceChildren(...[
    any ? h("option", { value: "" }, t("common.any")) : null,
    prompt && !keep ? h("option", { value: "", disabled: true, selected: true }, prompt) : null,
    ...ctx.departments.map((d) => h("option", { value: d.id }, d.name || d.id)),
  ].filter(Boolean));
  if (keep && [...sel.options].some((o) => o.value === keep)) sel.value = keep;
}

export async function renderScorecard(out, ctx) {
  const id = $("scorecard-dept").value;
  if (!id) {
    out.replaceChildren(h("p", { class: "empty" }, t("scorecard.noDepartments")));
    return;
  }
  busy(out, t("scorecard.loading", { department: ctx.name(id) }));
  let data, chain, recs;
  try {
    const query = ctx.read();
    // The pairs and the recognitions are extras: without them the figures
    // still show.
    [data, chain, recs] = await Promise.all([
      call("scorecard", { params: { id }, query }),
      call("chain", { query }).catch(() => ({ edges: [] })),
      call("departmentRecognitions", { params: { id }, query }).catch(() => null),
    ]);
  } catch (err) {
    return failed(out, err);
  }
  done(out);
  // Scorecard in openapi.json: one Figures per side; the pairs are the
  // Chain's edges of the department.
  out.replaceChildren(
    h("div", { class: "sides" },
      side(t("scorecard.asSupplier", { department: ctx.name(id) }), data.as_supplier, ctx,
        pairRows(chain.edges.filter((e) => e.supplier === id && e.customer !== id), "customer", ctx)),
      side(t("scorecard.asCustomer", { department: ctx.name(id) }), data.as_customer, ctx,
        pairRows(chain.edges.filter((e) => e.customer === id && e.supplier !== id), "supplier", ctx)),
    ),
    recs ? recognitionsCard(recs.recognitions, ctx) : "",
  );
  out.append(await agreementsCard(id, ctx));
}

// pairRows lists a side's pairs, busiest first, each linking to its page;
// other names the column of the other department.
function pairRows(edges, other, ctx) {
  if (!edges.length) return null;
  const rows = [...edges].sort((a, b) => (b.volume || 0) - (a.volume || 0));
  return h("div", { class: "scroll" },
    h("table", { class: "data pairs stack", "data-side": other === "customer" ? "supplier" : "customer" },
      h("caption", {}, other === "customer" ? t("scorecard.customers") : t("scorecard.suppliers")),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("common.pair")), h("th", { scope: "col", class: "num" }, t("common.requested")),
        h("th", { scope: "col", class: "num" }, t("fig.friction")), h("th", { scope: "col", class: "num" }, t("fig.slaMet")))),
      h("tbody", {}, rows.map((e) => h("tr", {},
        h("th", { scope: "row" }, pairLink(ctx, e.supplier, e.customer)),
        h("td", { class: "num", "data-label": t("common.requested") }, int(e.volume)),
        h("td", { class: "num", "data-label": t("fig.friction") }, score(e.friction_score)),
        h("td", { class: "num", "data-label": t("fig.slaMet") }, pct(e.compliance)))))));
}

// recognitionsCard lists the thanks the department received as a
// supplier in the window, newest first (the API's order).
function recognitionsCard(list, ctx) {
  return h("section", { class: "card recognitions-card" }, h("h2", {}, t("scorecard.recognitions")),
    list.length === 0 ? h("p", { class: "empty" }, t("pair.noRecognitions")) :
      h("ul", { class: "recognitions", id: "scorecard-recs" }, list.map((r) => h("li", {},
        h("blockquote", {}, r.message),
        h("p", { class: "muted" }, t("recognition.by", { author: r.author, department: ctx.name(r.from) }), " · ",
          h("time", { datetime: r.occurred_at, title: relative(r.occurred_at) }, when(r.occurred_at)), " · ", pairLink(ctx, r.to, r.from))))));
}

// agreementsCard lists the agreements the department is part of, with the
// calendar each counts in; nothing when they cannot be read.
async function agreementsCard(id, ctx) {
  let data;
  try {
    data = await call("agreements");
  } catch {
    return "";
  }
  // AgreementList in openapi.json.
  const mine = data.agreements.filter((a) => a.supplier === id || a.customer === id);
  if (!mine.length) return "";
  return h("section", { class: "card agreements" }, h("h2", {}, t("agreements.title")),
    h("ul", {}, mine.map((a) => h("li", {},
      pairLink(ctx, a.supplier, a.customer), a.kind ? ` · ${a.kind}` : "",
      ` · ${t("agreement.resolve", { d: span(a.resolve_within_s, a) })}`,
      a.respond_within_s ? ` · ${t("agreement.respondShort", { d: span(a.respond_within_s, a) })}` : "",
      " · ", a.calendar ? t("agreement.workingTime", { calendar: a.calendar }) : t("agreement.wallClock")))));
}

// side renders one side's figures, or says there was no activity.
function side(title, f, ctx, pairs) {
  const sec = h("section", { class: "card side" }, h("h2", {}, title));
  if (f.requested === 0 && !f.open && !f.delivered) sec.append(h("p", { class: "empty" }, t("common.noHandoffs")));
  else sec.append(figures(f, ctx));
  if (pairs) sec.append(pairs);
  return sec;
}

// figures lays out one figures object as labelled values.
function figures(f, ctx) {
  const lt = f.lead_time_s;
  const rt = f.response_time_s;
  const sla = f.sla;
  const rsla = f.response_sla;
  const sat = f.satisfaction;
  const fr = f.friction;
  const item = (label, value, note) => h("div", { class: "fig" }, h("dt", {}, label), h("dd", {}, value, note ? h("span", { class: "note" }, note) : null));
  return h(
    "dl",
    { class: "figures" },
    item(t("fig.friction"), bar(fr.score), fr.top_driver && fr.top_driver !== "none" ? t("scorecard.topDriver", { driver: driver(fr.top_driver) }) : null),
    item(t("fig.slaMet"), pct(sla.compliance), t("scorecard.slaNote", { met: int(sla.met), breached: int(sla.breached) }) +
      (sla.open_breached ? `, ${t("scorecard.openLate", { n: int(sla.open_breached) })}` : "") + (sla.at_risk ? `, ${t("scorecard.atRisk", { n: int(sla.at_risk) })}` : "")),
    item(t("common.requested"), int(f.requested), t("scorecard.requestedNote", { completed: int(f.completed), open: int(f.open), cancelled: int(f.cancelled) })),
    item(t("fig.leadTime"), `p50 ${duration(lt.p50)}`, `p90 ${duration(lt.p90)} · p95 ${duration(lt.p95)}`),
    item(t("common.firstResponse"), `p50 ${duration(rt.p50)}`, `p90 ${duration(rt.p90)} · ${t("scorecard.onTime", { pct: pct(rsla.compliance) })}`),
    item(t("fig.rework"), pct(f.rework_rate), t("scorecard.reworkNote", { returned: int(f.returned), count: f.delivered })),
    item(t("fig.escalated"), pct(f.escalation_rate), t("scorecard.handoffs", { count: f.escalated })),
    item(t("fig.csat"), csat(sat, ctx.policy), sat.mean != null ? t("scorecard.csatMean", { mean: num(sat.mean), count: sat.ratings }) : t("scorecard.ratings", { count: sat.ratings })),
  );
}
