// One hand-off, #/handoffs/{id}: its parties, the agreement recorded on
// it, the SLA clock, every event of its timeline and what the viewer may
// do to it.

import { call } from "./api.js";
import { h, when, state } from "./format.js";
import { t } from "./i18n.js";
import { busy, failed, done } from "./view.js";
import { actionBar, clock, span } from "./actions.js";
import { pairLink } from "./brightspots.js";

// EVENTS: the timeline's events by the middle of their type, whatever its
// version ("handoff.requested.v2" is a request); their names are the
// catalogue's event.{name}.
const EVENTS = new Set(["requested", "accepted", "paused", "resumed", "delivered", "returned", "escalated", "cancelled", "rated"]);
const verb = (type) => type.split(".")[1];

// renderHandoff shows the hand-off id in out (a Handoff of openapi.json).
export async function renderHandoff(out, id, ctx) {
  busy(out, t("handoff.loading"));
  let hd;
  try {
    hd = await call("handoff", { params: { id }, query: { min_position: ctx.position || undefined } });
  } catch (err) {
    return failed(out, err);
  }
  done(out);
  document.title = `${hd.title || hd.id} · Cadena`;
  const ag = hd.agreement;
  const item = (label, ...value) => h("div", { class: "fig" }, h("dt", {}, label), h("dd", {}, ...value));
  out.replaceChildren(
    h("article", { class: "card one-handoff", "data-handoff": hd.id, "data-state": hd.state },
      h("h2", { class: "handoff-title" }, hd.title || hd.id),
      // The pair links to its page, as every pair in the page does.
      h("p", { class: "meta" }, h("span", { class: "id" }, hd.id), " · ", pairLink(ctx, hd.supplier, hd.customer)),
      hd.details ? h("p", { class: "details" }, hd.details) : null,
      h("dl", { class: "facts" },
        item(t("common.supplier"), ctx.name(hd.supplier)),
        item(t("common.customer"), ctx.name(hd.customer)),
        item(t("common.kind"), hd.kind),
        item(t("common.state"), h("span", { class: `state st-${hd.state}` }, state(hd.state))),
        item(t("handoff.agreement"), ag ? `v${ag.version}: ${t("agreement.resolve", { d: span(ag.resolve_within_s, ag) })}` +
          (ag.respond_within_s ? `, ${t("agreement.respondShort", { d: span(ag.respond_within_s, ag) })}` : "") +
          (ag.calendar ? `, ${t("handoff.workingTimeOf", { calendar: ag.calendar })}` : "") : t("handoff.noAgreement")),
        item(t("handoff.clock"), clock(hd, ctx.policy), h("span", { class: "note" }, hd.clock_running ? t("handoff.running") : t("handoff.stopped"))),
        item(t("common.requestedOn"), when(hd.requested_at)),
        item(t("common.firstResponse"), when(hd.first_response_at)),
        hd.respond_due_at ? item(t("handoff.respondBy"), when(hd.respond_due_at), " ", new Date(hd.respond_due_at) < new Date(hd.as_of)
          ? h("span", { class: "badge b-breached" }, t("handoff.overdue")) : h("span", { class: "badge b-ok" }, t("badge.ok"))) : null,
        item(t("handoff.counts"), `${hd.deliveries} / ${hd.returns} / ${hd.escalations}`),
        hd.rating ? item(t("handoff.rating"), t("common.of5", { score: hd.rating.score }), h("span", { class: "note" },
          `${hd.rating.comment ? `“${hd.rating.comment}” · ` : ""}${t("handoff.ratedDelivery", { n: hd.rating.delivery, when: when(hd.rating.rated_at) })}`)) : null,
      ),
      actionBar(hd, ctx.me, (res) => {
        ctx.wrote(res.position);
        renderHandoff(out, id, ctx);
      }),
    ),
    h("h2", {}, t("handoff.timeline")),
    h("ol", { class: "timeline" }, (hd.timeline || []).map((e) =>
      h("li", { "data-type": e.type },
        h("span", { class: "ev" }, EVENTS.has(verb(e.type)) ? t(`event.${verb(e.type)}`) : e.type),
        h("span", { class: "by" }, e.actor ? ` ${t("handoff.by", { actor: e.actor })}` : ""),
        h("time", { datetime: e.occurred_at }, when(e.occurred_at)),
        detail(e),
      ))),
  );
}

// detail is what an event says beyond its type: reason, note, score.
function detail(e) {
  const d = e.data || {};
  const parts = [];
  if (d.reason) parts.push(t("handoff.reason", { reason: d.reason }));
  if (d.note) parts.push(t("common.note", { note: d.note }));
  if (d.score) parts.push(`${t("handoff.score", { score: d.score })}${d.comment ? `: “${d.comment}”` : ""}`);
  if (d.title && verb(e.type) === "requested") parts.push(d.title);
  return parts.length ? h("span", { class: "note" }, parts.join(" · ")) : null;
}
