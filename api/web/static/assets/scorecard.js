// A department's scorecard: its figures as a supplier (work it delivers)
// and as a customer (work it receives).

import { call } from "./api.js";
import { h, list, bar, driver, pct, csat, int, duration, score, DASH } from "./format.js";
import { busy, failed, done } from "./view.js";

const $ = (id) => document.getElementById(id);
let wired = false;

// initScorecard fills the department picker and wires it, once per sign-in.
export function initScorecard(ctx) {
  const sel = $("scorecard-dept");
  fillDepartments(sel, ctx);
  if (wired) return;
  wired = true;
  $("scorecard-form").addEventListener("submit", (e) => {
    e.preventDefault();
    renderScorecard($("scorecard-out"), ctx);
  });
  sel.addEventListener("change", () => renderScorecard($("scorecard-out"), ctx));
}

const MINE = "cadena.department";

// myDepartment is the department last picked as one's own in this tab (on
// the ratings form); the scorecard opens on it.
export const myDepartment = {
  get: () => sessionStorage.getItem(MINE) || "",
  set: (id) => sessionStorage.setItem(MINE, id),
};

// fillDepartments puts the departments in a select, keeping its choice (or
// else choosing one's own department, unless any).
// A prompt, when given, is a first empty choice shown while none is made.
export function fillDepartments(sel, ctx, any = false, prompt = "") {
  const keep = sel.value || (any ? "" : myDepartment.get());
  sel.replaceChildren(
    any ? h("option", { value: "" }, "any") : null,
    prompt && !keep ? h("option", { value: "", disabled: true, selected: true }, prompt) : null,
    ...ctx.departments.map((d) => h("option", { value: d.id }, d.name || d.id)),
  );
  if (keep && [...sel.options].some((o) => o.value === keep)) sel.value = keep;
}

export async function renderScorecard(out, ctx) {
  const id = $("scorecard-dept").value;
  if (!id) {
    out.replaceChildren(h("p", { class: "empty" }, "No departments yet."));
    return;
  }
  busy(out, `Loading the scorecard of ${ctx.name(id)}…`);
  let data;
  try {
    data = await call("scorecard", { params: { id }, query: ctx.window() });
  } catch (err) {
    return failed(out, err);
  }
  done(out);
  const asSupplier = pick(data, "as_supplier", "supplier_side", "supplier");
  const asCustomer = pick(data, "as_customer", "customer_side", "customer");
  out.replaceChildren(
    h("div", { class: "sides" },
      side(`As supplier: work ${ctx.name(id)} delivers`, asSupplier, "customer", "Customer", ctx),
      side(`As customer: work ${ctx.name(id)} receives`, asCustomer, "supplier", "Supplier", ctx),
    ),
  );
  out.append(await agreementsCard(id, ctx));
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
  const mine = list(data, "agreements").filter((a) => a.supplier === id || a.customer === id);
  if (!mine.length) return "";
  return h("section", { class: "card agreements" }, h("h2", {}, "Agreements"),
    h("ul", {}, mine.map((a) => h("li", {},
      `${ctx.name(a.supplier)} → ${ctx.name(a.customer)}`, a.kind ? ` · ${a.kind}` : "",
      ` · resolve within ${duration(a.resolve_within_s)}`,
      a.respond_within_s ? ` · respond within ${duration(a.respond_within_s)}` : "",
      " · ", a.calendar ? `calendar ${a.calendar} (working time)` : "wall clock"))));
}

function pick(data, ...keys) {
  for (const k of keys) if (data && data[k] && typeof data[k] === "object") return data[k];
  return null;
}

// side renders one side: its totals, then its pairs when the API gives them.
function side(title, v, other, otherLabel, ctx) {
  const sec = h("section", { class: "card side" }, h("h2", {}, title));
  if (!v) {
    sec.append(h("p", { class: "empty" }, "No figures."));
    return sec;
  }
  let totals = null;
  let pairs = [];
  if (Array.isArray(v)) pairs = v;
  else {
    pairs = list(v, "pairs", "counterparts");
    totals = v.totals || v.total || (v.requested !== undefined ? v : null);
  }
  if (totals && totals.requested === 0 && !totals.open && !totals.delivered) totals = null;
  if (totals) sec.append(figures(totals));
  if (pairs.length) sec.append(pairTable(pairs, other, otherLabel, ctx));
  if (!totals && !pairs.length) sec.append(h("p", { class: "empty" }, "No hand-offs in this window."));
  return sec;
}

// figures lays out one figures object as labelled values.
function figures(f) {
  const lt = f.lead_time_s || {};
  const rt = f.response_time_s || {};
  const sla = f.sla || {};
  const rsla = f.response_sla || {};
  const sat = f.satisfaction || {};
  const fr = f.friction || {};
  const item = (label, value, note) => h("div", { class: "fig" }, h("dt", {}, label), h("dd", {}, value, note ? h("span", { class: "note" }, note) : null));
  return h(
    "dl",
    { class: "figures" },
    item("Friction", bar(fr.score), fr.top_driver && fr.top_driver !== "none" ? `top driver: ${driver(fr.top_driver)}` : null),
    item("SLA met", pct(sla.compliance), `${int(sla.met)} met, ${int(sla.breached)} breached` + (sla.open_breached ? `, ${int(sla.open_breached)} open and late` : "") + (sla.at_risk ? `, ${int(sla.at_risk)} at risk` : "")),
    item("Requested", int(f.requested), `${int(f.completed)} completed, ${int(f.open)} open, ${int(f.cancelled)} cancelled`),
    item("Lead time", `p50 ${duration(lt.p50)}`, `p90 ${duration(lt.p90)} · p95 ${duration(lt.p95)}`),
    item("First response", `p50 ${duration(rt.p50)}`, `p90 ${duration(rt.p90)} · on time ${pct(rsla.compliance)}`),
    item("Rework", pct(f.rework_rate), `${int(f.returned)} of ${int(f.delivered)} deliveries returned`),
    item("Escalated", pct(f.escalation_rate), `${int(f.escalated)} hand-offs`),
    item("CSAT", csat(sat), sat.mean != null ? `mean ${sat.mean.toFixed(1)} / 5 from ${int(sat.ratings)} ratings` : `${int(sat.ratings ?? 0)} ratings`),
  );
}

function pairTable(pairs, other, otherLabel, ctx) {
  const rows = [...pairs].sort((a, b) => (b.friction?.score ?? -1) - (a.friction?.score ?? -1));
  return h("div", { class: "scroll" },
    h("table", { class: "data compact" },
      h("thead", {}, h("tr", {},
        h("th", { scope: "col" }, otherLabel),
        h("th", { scope: "col", class: "num" }, "Requested"),
        h("th", { scope: "col", class: "num" }, "Friction"),
        h("th", { scope: "col", class: "num" }, "SLA met"),
        h("th", { scope: "col", class: "num" }, "CSAT"),
        h("th", { scope: "col", class: "num" }, "p50"),
      )),
      h("tbody", {}, rows.map((p) => h("tr", {},
        h("th", { scope: "row" }, ctx.name(p[other]) || DASH),
        h("td", { class: "num" }, int(p.requested)),
        h("td", { class: "num" }, score(p.friction?.score)),
        h("td", { class: "num" }, pct(p.sla?.compliance)),
        h("td", { class: "num csat" }, csat(p.satisfaction)),
        h("td", { class: "num" }, duration(p.lead_time_s?.p50)),
      ))),
    ));
}
