// What a viewer may do to a hand-off, and the buttons that do it. The
// rules are the domain's lifecycle table, which the server serves as
// lifecycle.js (README "The lifecycle table"): the API stays the authority,
// and a refusal's detail is shown next to the button.

import { call, newIdempotencyKey, refused } from "./api.js";
import { h, duration, when, relative } from "./format.js";
import { errorBox } from "./view.js";
import { t } from "./i18n.js";
import LIFECYCLE from "./lifecycle.js";

// PRIMARY commands move a hand-off on: their buttons come first and are
// filled; the others follow in the table's order.
const PRIMARY = ["accept", "deliver", "rate"];

// ACTIONS: the commands on an existing hand-off (the rows not allowed from
// "none"), each with the side that may issue it, the states it is allowed
// from, and the text field its body carries (ReasonCommand, DeliverCommand
// and RatingCommand in openapi.json; a note is optional, a reason is asked
// for). The button's label is the catalogue's action.{name}, the field's
// action.{name}.field.
const ACTIONS = LIFECYCLE.filter((c) => !c.from.includes("none"))
  .map((c) => {
    const field = c.fields.find((f) => f === "reason" || f === "note");
    return { name: c.name, side: c.side, from: c.from, field, optional: field === "note", rating: c.fields.includes("score") };
  })
  .sort((a, b) => (PRIMARY.includes(b.name) ? 1 : 0) - (PRIMARY.includes(a.name) ? 1 : 0));

// sides returns whether the signed-in token acts for the supplier and for
// the customer of a hand-off (an admin for both).
export function sides(it, me) {
  if (me && me.role === "admin") return { supplier: true, customer: true };
  const d = me && me.department;
  return { supplier: !!d && d === it.supplier, customer: !!d && d === it.customer };
}

// allowed lists the actions the viewer may take on a hand-off now.
export function allowed(it, me) {
  const s = sides(it, me);
  return ACTIONS.filter((a) => a.from.includes(it.state) &&
    (a.side === "either" ? s.supplier || s.customer : s[a.side]));
}

// span is a target or a supplier-owned time: in working hours when the
// agreement counts in a calendar (48 working hours are not two days).
export function span(sec, ag) {
  if (!ag || !ag.calendar || !(sec >= 3600)) return duration(sec);
  return t("unit.workingH", { n: sec / 3600 });
}

// clock describes a hand-off's SLA clock (a Handoff of openapi.json):
// supplier-owned time against the resolve target, the deadline when the
// response has one (due_at), and a badge: on time, at risk, breached,
// paused.
export function clock(hd, policy) {
  const target = hd.agreement ? hd.agreement.resolve_within_s : 0;
  const owned = hd.supplier_owned_s;
  let badge = "none";
  if (target > 0) {
    const ratio = policy.at_risk_ratio; // the server's policy ("me" endpoint), never a number of the page's
    if (owned > target) badge = "breached";
    else if (hd.state === "paused") badge = "paused";
    else if (owned >= target * ratio) badge = "risk";
    else badge = "ok";
  } else if (hd.state === "paused") badge = "paused";
  const done = hd.state === "delivered" || hd.state === "cancelled";
  const label = done && badge !== "breached" ? (badge === "none" ? "closed" : "met") : badge;
  return h("span", { class: "clock" },
    // A met target is green even when it came close (the colour says the outcome).
    h("span", { class: `badge b-${label === "met" ? "ok" : badge}` }, t(`badge.${label}`)),
    " ",
    h("span", { class: "owned" }, t("clock.owned", { d: span(owned, hd.agreement) })),
    target > 0 ? h("span", { class: "target" }, ` ${t("clock.of", { d: span(target, hd.agreement) })}`) : null,
    hd.due_at ? h("span", { class: "due", title: relative(hd.due_at) }, ` · ${t("clock.due", { when: when(hd.due_at) })}`) : null,
  );
}

// actionBar returns the buttons for what the viewer may do to hd; a
// command with a field opens a small form first. After a write, onDone is
// called with the Handoff the API returned (its position is the write's).
export function actionBar(hd, me, onDone) {
  const acts = allowed(hd, me);
  if (acts.length === 0) return null;
  const panel = h("div", { class: "act-panel" });
  const msg = h("div", { class: "act-msg", role: "status", "aria-live": "polite" });
  const bar = h("div", { class: "act-buttons" }, acts.map((a) =>
    h("button", { type: "button", class: PRIMARY.includes(a.name) ? "" : "secondary", "data-action": a.name,
      onclick: () => open(a) }, t(`action.${a.name}`))));
  const wrap = h("div", { class: "actions-bar" }, bar, panel, msg);

  function open(a) {
    msg.replaceChildren();
    if (!a.field && !a.rating) {
      send(a, {}, bar.querySelector(`[data-action=${a.name}]`));
      return;
    }
    panel.replaceChildren(a.rating ? ratingForm(a) : fieldForm(a));
    const first = panel.querySelector("textarea, input");
    if (first) first.focus();
  }

  function fieldForm(a) {
    const id = `${a.name}-${hd.id}`.replace(/[^\w-]/g, "_");
    const text = h("textarea", { id, name: a.field, rows: "2", maxlength: "2000", required: !a.optional });
    const submit = h("button", { type: "submit", "data-confirm": a.name }, t("action.confirm", { action: t(`action.${a.name}`).toLowerCase() }));
    const form = h("form", { class: "act-form" },
      h("label", { for: id }, t(`action.${a.name}.field`)), text,
      h("div", { class: "act-buttons" }, submit,
        h("button", { type: "button", class: "secondary", onclick: () => panel.replaceChildren() }, t("common.back"))));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const v = text.value.trim();
      send(a, v ? { [a.field]: v } : {}, submit);
    });
    return form;
  }

  function ratingForm(a) {
    const id = `rate-${hd.id}`.replace(/[^\w-]/g, "_");
    const comment = h("textarea", { id: `${id}-comment`, name: "comment", rows: "2", maxlength: "2000" });
    const submit = h("button", { type: "submit", "data-confirm": a.name }, t("rating.send"));
    const form = h("form", { class: "rating act-form" },
      h("fieldset", {}, h("legend", {}, t("rating.yours")),
        h("div", { class: "stars" }, [1, 2, 3, 4, 5].map((n) =>
          h("label", { class: "star" },
            h("input", { type: "radio", name: "score", value: String(n), required: n === 1 }),
            h("span", {}, String(n)))))),
      h("label", { for: `${id}-comment` }, t("rating.comment")), comment,
      h("div", { class: "act-buttons" }, submit,
        h("button", { type: "button", class: "secondary", onclick: () => panel.replaceChildren() }, t("common.back"))));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const picked = form.querySelector("input[name=score]:checked");
      if (!picked) {
        msg.replaceChildren(h("p", { class: "error" }, t("rating.pick")));
        return;
      }
      const body = { score: Number(picked.value) };
      if (comment.value.trim()) body.comment = comment.value.trim();
      send(a, body, submit);
    });
    return form;
  }

  // One key per submission, reused when the same submission is retried
  // after a network or server error, so it is recorded at most once.
  let pending = null; // {key, body}
  async function send(a, body, button) {
    const json = a.name + JSON.stringify(body);
    if (!pending || pending.body !== json) pending = { key: newIdempotencyKey(), body: json };
    if (button) button.disabled = true;
    msg.replaceChildren(h("p", { class: "loading" }, t("common.sending")));
    try {
      const res = await call(a.name, { params: { id: hd.id }, body, headers: { "Idempotency-Key": pending.key } });
      pending = null;
      msg.replaceChildren(h("p", { class: "ok" }, t("common.recorded")));
      onDone(res);
    } catch (err) {
      if (refused(err)) pending = null;
      msg.replaceChildren(errorBox(err));
      if (button) button.disabled = false;
    }
  }
  return wrap;
}
