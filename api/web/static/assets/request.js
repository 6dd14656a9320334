// Request a hand-off: the supplier, the kind (suggested from the pair's
// agreement), the title and optional details; the agreement that will
// apply is shown before sending, and the new hand-off opens once it is
// recorded. A refusal naming the title or the details shows next to it.

import { call, newIdempotencyKey, refused } from "./api.js";
import { h } from "./format.js";
import { span } from "./actions.js";
import { t } from "./i18n.js";
import { busy, done, errorBox } from "./view.js";
import { fillDepartments } from "./scorecard.js";

const $ = (id) => document.getElementById(id);
let wired = false;
let agreements = null; // AgreementList.agreements, read once per showing
let loads = 0; // counts showings, so a slower earlier read is dropped
let pending = null; // {key, body}: one key per submission, reused on retry
// INPUT maps a request field (a problem's "field") shown next to its input.
const INPUT = { title: "req-title", details: "req-details" };

// showRequest fills the pickers and reads the agreements.
export async function showRequest(ctx) {
  const admin = ctx.me && ctx.me.role === "admin";
  fillDepartments($("req-customer"), ctx, false, t("common.chooseCustomer"));
  $("req-customer-label").hidden = !admin && !!(ctx.me && ctx.me.department);
  // Suppliers: every other department, none chosen until the user picks.
  const sup = $("req-supplier");
  const keep = sup.value;
  sup.replaceChildren(h("option", { value: "", disabled: true, selected: true }, t("common.chooseSupplier")),
    ...ctx.departments.filter((d) => d.id !== customer(ctx)).map((d) => h("option", { value: d.id }, d.name || d.id)));
  if (keep && [...sup.options].some((o) => o.value === keep)) sup.value = keep;
  if (!wired) {
    wired = true;
    for (const id of ["req-supplier", "req-customer"]) $(id).addEventListener("change", () => preview(ctx, true));
    $("req-kind").addEventListener("input", () => preview(ctx, false));
    $("request-form").addEventListener("submit", (e) => {
      e.preventDefault();
      send(ctx);
    });
  }
  // Until the agreements are read, a chosen pair shows as loading; the
  // preview carries data-pair="{supplier}/{customer}" once it shows the
  // pair's agreement read (or that there is none).
  const load = ++loads;
  agreements = null;
  preview(ctx, false);
  let list;
  try {
    list = (await call("agreements", { query: { min_position: ctx.position || undefined } })).agreements;
  } catch (err) {
    if (load !== loads) return;
    done($("req-agreement"));
    $("req-agreement").replaceChildren(errorBox(err));
    return;
  }
  if (load !== loads) return;
  agreements = list;
  preview(ctx, true);
}

function customer(ctx) {
  return (ctx.me && ctx.me.role !== "admin" && ctx.me.department) || $("req-customer").value;
}

// preview shows the agreement of the chosen pair and, when suggest is set
// and the kind is empty, takes the agreement's kind.
function preview(ctx, suggest) {
  const out = $("req-agreement");
  const sup = $("req-supplier").value;
  const cus = customer(ctx);
  const kinds = $("req-kinds");
  delete out.dataset.pair;
  if (!sup || !cus) {
    done(out);
    out.replaceChildren(h("p", { class: "muted" }, t("request.chooseSupplier")));
    kinds.replaceChildren();
    return;
  }
  if (!agreements) {
    busy(out, t("request.loading"));
    kinds.replaceChildren();
    return;
  }
  done(out);
  out.dataset.pair = `${sup}/${cus}`;
  const ag = agreements.find((a) => a.supplier === sup && a.customer === cus);
  kinds.replaceChildren(...(ag && ag.kind ? [h("option", { value: ag.kind })] : []));
  if (suggest && ag && ag.kind && !$("req-kind").value) $("req-kind").value = ag.kind;
  if (!ag) {
    out.replaceChildren(h("p", { class: "agreement none" },
      t("request.noAgreement", { supplier: ctx.name(sup), customer: ctx.name(cus) })));
    return;
  }
  out.replaceChildren(h("p", { class: "agreement" },
    h("strong", {}, t("request.applies", { version: String(ag.version) }), " "),
    t("agreement.resolve", { d: span(ag.resolve_within_s, ag) }),
    ag.respond_within_s ? `, ${t("agreement.respond", { d: span(ag.respond_within_s, ag) })}` : `, ${t("agreement.noRespond")}`,
    ag.kind ? ` (${t("agreement.kind", { kind: ag.kind })})` : "",
    `, ${ag.calendar ? t("agreement.workingTime", { calendar: ag.calendar }) : t("agreement.wallClock")}`));
}

async function send(ctx) {
  const msg = $("req-msg");
  const body = {
    supplier: $("req-supplier").value,
    customer: customer(ctx),
    kind: $("req-kind").value.trim(),
    title: $("req-title").value.trim(),
  };
  const details = $("req-details").value.trim();
  if (details) body.details = details;
  for (const [f, id] of Object.entries(INPUT)) {
    $(`req-${f}-error`).replaceChildren();
    $(id).removeAttribute("aria-invalid");
  }
  const json = JSON.stringify(body);
  if (!pending || pending.body !== json) pending = { key: newIdempotencyKey(), body: json };
  const submit = $("request-form").querySelector("button[type=submit]");
  submit.disabled = true;
  msg.replaceChildren(h("p", { class: "loading" }, t("common.sending")));
  try {
    const hd = await call("request", { body, headers: { "Idempotency-Key": pending.key } });
    pending = null;
    ctx.wrote(hd.position);
    msg.replaceChildren();
    $("req-title").value = "";
    $("req-details").value = "";
    location.hash = `#/handoffs/${encodeURIComponent(hd.id)}`;
  } catch (err) {
    if (refused(err)) pending = null;
    const field = err.problem && err.problem.field;
    if (field && INPUT[field]) {
      $(INPUT[field]).setAttribute("aria-invalid", "true");
      $(`req-${field}-error`).replaceChildren(errorBox(err));
      msg.replaceChildren();
    } else {
      msg.replaceChildren(errorBox(err));
    }
  } finally {
    submit.disabled = false;
  }
}
