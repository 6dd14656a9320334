// Agreements: the targets of a supplier -> customer pair. Heads of the
// supplier and admins set them here; the API's validation errors show next
// to the field at fault. Members read the agreement only.

import { call, newIdempotencyKey, refused } from "./api.js";
import { h } from "./format.js";
import { span } from "./actions.js";
import { busy, done, errorBox } from "./view.js";
import { t } from "./i18n.js";

const $ = (id) => document.getElementById(id);
// INPUT maps a request field (a problem's "field") to its input.
const INPUT = { kind: "ag-kind", resolve_within: "ag-resolve", respond_within: "ag-respond", calendar: "ag-calendar" };
const FIELDS = Object.keys(INPUT);
let wired = false;
let agreements = null; // AgreementList.agreements; null while they load
let loads = 0; // counts showings, so a slower earlier read is dropped
let calendarNames = new Map(); // calendar ID -> its name
let pending = null; // {key, body}: one key per submission, reused on retry

// mayEdit: the API lets admins and the supplier's head set an agreement.
function mayEdit(ctx, supplier) {
  const me = ctx.me || {};
  return me.role === "admin" || (me.role === "head" && me.department === supplier);
}

// showAgreements fills the pickers and reads agreements and calendars.
export async function showAgreements(ctx) {
  const me = ctx.me || {};
  const sup = $("ag-supplier");
  const cus = $("ag-customer");
  const keep = [sup.value, cus.value];
  const opts = (first) => [h("option", { value: "", disabled: true, selected: true }, first),
    ...ctx.departments.map((d) => h("option", { value: d.id }, d.name || d.id))];
  sup.replaceChildren(...opts(t("common.chooseSupplier")));
  cus.replaceChildren(...opts(t("common.chooseCustomer")));
  if (keep[0]) sup.value = keep[0];
  else if (me.role === "head" && me.department) sup.value = me.department;
  if (keep[1]) cus.value = keep[1];
  if (!wired) {
    wired = true;
    for (const id of ["ag-supplier", "ag-customer"]) $(id).addEventListener("change", () => pick(ctx));
    $("agreement-form").addEventListener("submit", (e) => {
      e.preventDefault();
      save(ctx);
    });
  }
  // Until the agreements are read, a chosen pair shows as loading (never as
  // having no agreement) and the form stays hidden; #ag-current carries
  // data-pair="{supplier}/{customer}" once it shows the pair read.
  const load = ++loads;
  agreements = null;
  pick(ctx);
  try {
    const q = { query: { min_position: ctx.position || undefined } };
    const [ag, cals] = await Promise.all([call("agreements", q), call("calendars", q)]);
    if (load !== loads) return;
    agreements = ag.agreements;
    calendarNames = new Map(cals.calendars.map((c) => [c.id, c.name || c.id]));
    $("ag-calendar").replaceChildren(h("option", { value: "" }, t("agreements.noCalendar")),
      ...cals.calendars.map((c) => h("option", { value: c.id }, c.name || c.id)));
  } catch (err) {
    if (load !== loads) return;
    done($("ag-current"));
    $("ag-current").replaceChildren(errorBox(err));
    return;
  }
  pick(ctx);
}

// pick shows the chosen pair's agreement and, to those who may, the form
// filled with it.
function pick(ctx) {
  const sup = $("ag-supplier").value;
  const cus = $("ag-customer").value;
  const out = $("ag-current");
  const fields = $("ag-fields");
  clearErrors();
  $("ag-msg").replaceChildren();
  delete out.dataset.pair;
  if (!sup || !cus) {
    done(out);
    out.replaceChildren(h("p", { class: "muted" }, t("agreements.choose")));
    fields.hidden = true;
    return;
  }
  if (!agreements) {
    busy(out, t("agreements.loading"));
    fields.hidden = true;
    return;
  }
  done(out);
  out.dataset.pair = `${sup}/${cus}`;
  const ag = agreements.find((a) => a.supplier === sup && a.customer === cus);
  out.replaceChildren(describe(ctx, sup, cus, ag));
  const edit = mayEdit(ctx, sup);
  fields.hidden = !edit;
  if (!edit) {
    out.append(h("p", { class: "muted" }, t("agreements.onlyHead", { supplier: ctx.name(sup) })));
    return;
  }
  $("ag-kind").value = ag?.kind || "";
  $("ag-resolve").value = ag ? goDuration(ag.resolve_within_s) : "";
  $("ag-respond").value = ag && ag.respond_within_s ? goDuration(ag.respond_within_s) : "";
  $("ag-calendar").value = ag?.calendar || "";
}

function describe(ctx, sup, cus, ag) {
  if (!ag) return h("p", { class: "agreement none" }, t("agreements.none", { supplier: ctx.name(sup), customer: ctx.name(cus) }));
  return h("p", { class: "agreement" },
    h("strong", {}, t("agreements.version", { version: String(ag.version) }), " "),
    t("agreement.resolve", { d: span(ag.resolve_within_s, ag) }),
    ag.respond_within_s ? `, ${t("agreement.respond", { d: span(ag.respond_within_s, ag) })}` : `, ${t("agreement.noRespond")}`,
    ag.kind ? `, ${t("agreement.kind", { kind: ag.kind })}` : `, ${t("agreement.anyKind")}`,
    ag.calendar ? `, ${t("agreement.calendar", { calendar: calendarNames.get(ag.calendar) || ag.calendar })}` : `, ${t("agreement.aroundTheClock")}`);
}

// goDuration writes seconds as the API reads them back ("72h", "90m").
function goDuration(sec) {
  if (sec % 3600 === 0) return `${sec / 3600}h`;
  if (sec % 60 === 0) return `${sec / 60}m`;
  return `${sec}s`;
}

function clearErrors() {
  for (const f of FIELDS) {
    $(`ag-${f}-error`).replaceChildren();
    $(INPUT[f]).removeAttribute("aria-invalid");
  }
}

async function save(ctx) {
  const sup = $("ag-supplier").value;
  const cus = $("ag-customer").value;
  const msg = $("ag-msg");
  clearErrors();
  const body = { kind: $("ag-kind").value.trim(), resolve_within: $("ag-resolve").value.trim() };
  const respond = $("ag-respond").value.trim();
  if (respond) body.respond_within = respond;
  if ($("ag-calendar").value) body.calendar = $("ag-calendar").value;
  const json = JSON.stringify([sup, cus, body]);
  if (!pending || pending.body !== json) pending = { key: newIdempotencyKey(), body: json };
  const submit = $("agreement-form").querySelector("button[type=submit]");
  submit.disabled = true;
  msg.replaceChildren(h("p", { class: "loading" }, t("common.saving")));
  try {
    const ag = await call("setAgreement", { params: { supplier: sup, customer: cus }, body, headers: { "Idempotency-Key": pending.key } });
    pending = null;
    ctx.wrote(ag.position);
    agreements = agreements.filter((a) => !(a.supplier === sup && a.customer === cus)).concat([ag]);
    $("ag-current").replaceChildren(describe(ctx, sup, cus, ag));
    msg.replaceChildren(h("p", { class: "saved", role: "status" }, t("agreements.saved", { version: String(ag.version) })));
  } catch (err) {
    if (refused(err)) pending = null;
    const field = err.problem && err.problem.field;
    if (field && INPUT[field]) {
      $(INPUT[field]).setAttribute("aria-invalid", "true");
      $(`ag-${field}-error`).replaceChildren(errorBox(err));
      msg.replaceChildren();
    } else {
      msg.replaceChildren(errorBox(err));
    }
  } finally {
    submit.disabled = false;
  }
}
