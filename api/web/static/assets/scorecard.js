// A department's scorecard: its figures as a supplier (work it delivers)
// and as a customer (work it receives).

import { call } from "./api.js";
import { h, bar, driver, pct, csat, int, duration } from "./format.js";
import { busy, failed, done } from "./view.js";

const $ = (id) => document.getElementById(id);
let wired = false;

// initScorecard fills the department picker and wires it, once per sign-in.
// The address names the department shown (#/scorecard/{id}), so a reload
// or a shared link opens on it; without one it opens on one's own.
export function initScorecard(ctx) {
  const sel = $("scorecard-dept");
  fillDepartments(sel, ctx);
  if (ctx.scorecard && [...sel.options].some((o) => o.value === ctx.scorecard)) sel.value = ctx.scorecard;
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
  // Scorecard in openapi.json: one Figures per side.
  out.replaceChildren(
    h("div", { class: "sides" },
      side(`As supplier: work ${ctx.name(id)} delivers`, data.as_supplier, ctx),
      side(`As customer: work ${ctx.name(id)} receives`, data.as_customer, ctx),
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
  // AgreementList in openapi.json.
  const mine = data.agreements.filter((a) => a.supplier === id || a.customer === id);
  if (!mine.length) return "";
  return h("section", { class: "card agreements" }, h("h2", {}, "Agreements"),
    h("ul", {}, mine.map((a) => h("li", {},
      `${ctx.name(a.supplier)} → ${ctx.name(a.customer)}`, a.kind ? ` · ${a.kind}` : "",
      ` · resolve within ${duration(a.resolve_within_s)}`,
      a.respond_within_s ? ` · respond within ${duration(a.respond_within_s)}` : "",
      " · ", a.calendar ? `calendar ${a.calendar} (working time)` : "wall clock"))));
}

// side renders one side's figures, or says there was no activity.
function side(title, f, ctx) {
  const sec = h("section", { class: "card side" }, h("h2", {}, title));
  if (f.requested === 0 && !f.open && !f.delivered) sec.append(h("p", { class: "empty" }, "No hand-offs in this window."));
  else sec.append(figures(f, ctx));
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
    item("Friction", bar(fr.score), fr.top_driver && fr.top_driver !== "none" ? `top driver: ${driver(fr.top_driver)}` : null),
    item("SLA met", pct(sla.compliance), `${int(sla.met)} met, ${int(sla.breached)} breached` + (sla.open_breached ? `, ${int(sla.open_breached)} open and late` : "") + (sla.at_risk ? `, ${int(sla.at_risk)} at risk` : "")),
    item("Requested", int(f.requested), `${int(f.completed)} completed, ${int(f.open)} open, ${int(f.cancelled)} cancelled`),
    item("Lead time", `p50 ${duration(lt.p50)}`, `p90 ${duration(lt.p90)} · p95 ${duration(lt.p95)}`),
    item("First response", `p50 ${duration(rt.p50)}`, `p90 ${duration(rt.p90)} · on time ${pct(rsla.compliance)}`),
    item("Rework", pct(f.rework_rate), `${int(f.returned)} of ${int(f.delivered)} deliveries returned`),
    item("Escalated", pct(f.escalation_rate), `${int(f.escalated)} hand-offs`),
    item("CSAT", csat(sat, ctx.policy), sat.mean != null ? `mean ${sat.mean.toFixed(1)} / 5 from ${int(sat.ratings)} ratings` : `${int(sat.ratings)} ratings`),
  );
}
