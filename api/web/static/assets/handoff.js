// One hand-off, #/handoffs/{id}: its parties, the agreement recorded on
// it, the SLA clock, every event of its timeline and what the viewer may
// do to it.

import { call } from "./api.js";
import { h, when } from "./format.js";
import { busy, failed, done } from "./view.js";
import { actionBar, clock, span } from "./actions.js";

// EVENTS names the events by the middle of their type, whatever its
// version ("handoff.requested.v2" is a request).
const EVENTS = {
  requested: "Requested",
  accepted: "Accepted",
  paused: "Paused",
  resumed: "Resumed",
  delivered: "Delivered",
  returned: "Returned for rework",
  escalated: "Escalated",
  cancelled: "Cancelled",
  rated: "Rated",
};
const verb = (type) => type.split(".")[1];

// renderHandoff shows the hand-off id in out (a Handoff of openapi.json).
export async function renderHandoff(out, id, ctx) {
  busy(out, "Loading the hand-off…");
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
      h("p", { class: "meta" }, h("span", { class: "id" }, hd.id)),
      hd.details ? h("p", { class: "details" }, hd.details) : null,
      h("dl", { class: "facts" },
        item("Supplier", ctx.name(hd.supplier)),
        item("Customer", ctx.name(hd.customer)),
        item("Kind", hd.kind),
        item("State", h("span", { class: `state st-${hd.state}` }, hd.state)),
        item("Agreement", ag ? `v${ag.version}: resolve within ${span(ag.resolve_within_s, ag)}` +
          (ag.respond_within_s ? `, respond within ${span(ag.respond_within_s, ag)}` : "") +
          (ag.calendar ? `, in working time of calendar ${ag.calendar}` : "") : "none recorded"),
        item("Clock", clock(hd, ctx.policy), h("span", { class: "note" }, hd.clock_running ? "running" : "stopped")),
        item("Requested", when(hd.requested_at)),
        item("First response", when(hd.first_response_at)),
        hd.respond_due_at ? item("Respond by", when(hd.respond_due_at), " ", new Date(hd.respond_due_at) < new Date(hd.as_of)
          ? h("span", { class: "badge b-breached" }, "overdue") : h("span", { class: "badge b-ok" }, "on time")) : null,
        item("Deliveries / returns / escalations", `${hd.deliveries} / ${hd.returns} / ${hd.escalations}`),
        hd.rating ? item("Rating", `${hd.rating.score} of 5`, h("span", { class: "note" },
          `${hd.rating.comment ? `“${hd.rating.comment}” · ` : ""}delivery ${hd.rating.delivery}, ${when(hd.rating.rated_at)}`)) : null,
      ),
      actionBar(hd, ctx.me, (res) => {
        ctx.wrote(res.position);
        renderHandoff(out, id, ctx);
      }),
    ),
    h("h2", {}, "Timeline"),
    h("ol", { class: "timeline" }, (hd.timeline || []).map((e) =>
      h("li", { "data-type": e.type },
        h("span", { class: "ev" }, EVENTS[verb(e.type)] || e.type),
        h("span", { class: "by" }, e.actor ? ` by ${e.actor}` : ""),
        h("time", { datetime: e.occurred_at }, when(e.occurred_at)),
        detail(e),
      ))),
  );
}

// detail is what an event says beyond its type: reason, note, score.
function detail(e) {
  const d = e.data || {};
  const parts = [];
  if (d.reason) parts.push(`Reason: ${d.reason}`);
  if (d.note) parts.push(`Note: ${d.note}`);
  if (d.score) parts.push(`Score ${d.score} of 5${d.comment ? `: “${d.comment}”` : ""}`);
  if (d.title && verb(e.type) === "requested") parts.push(d.title);
  return parts.length ? h("span", { class: "note" }, parts.join(" · ")) : null;
}
