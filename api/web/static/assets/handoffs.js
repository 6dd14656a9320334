// Hand-offs: rate what your department received, and a general list.

import { call, newIdempotencyKey, refused } from "./api.js";
import { h, when, int, state } from "./format.js";
import { t } from "./i18n.js";
import { busy, failed, done, errorBox } from "./view.js";
import { fillDepartments, myDepartment } from "./scorecard.js";
import { allowed } from "./actions.js";

const $ = (id) => document.getElementById(id);
const PAGE = 50; // rows of the general list
const CARDS = 12; // rating forms at a time
const SCORES = [1, 2, 3, 4, 5]; // named by the catalogue's score.{n}
let wired = false;

// initHandoffs fills the department pickers and wires the forms, once per
// sign-in. Only an admin picks the department whose deliveries to rate:
// everyone else rates for their token's department.
export function initHandoffs(ctx) {
  fillDepartments($("rate-dept"), ctx, false, t("handoffs.chooseDept"));
  $("rate-dept-label").hidden = !!(ctx.me && ctx.me.role !== "admin" && ctx.me.department);
  fillDepartments($("list-supplier"), ctx, true);
  fillDepartments($("list-customer"), ctx, true);
  if (wired) return;
  wired = true;
  $("rate-form").addEventListener("submit", (e) => {
    e.preventDefault();
    renderDeliveries($("rate-out"), ctx);
  });
  $("rate-dept").addEventListener("change", () => renderDeliveries($("rate-out"), ctx));
  $("list-form").addEventListener("submit", (e) => {
    e.preventDefault();
    renderList($("list-out"), ctx);
  });
}

// showHandoffs fills the view on first showing after sign-in.
export function showHandoffs(ctx) {
  initHandoffs(ctx);
  if (!$("rate-out").hasChildNodes()) {
    if (rater(ctx)) renderDeliveries($("rate-out"), ctx);
    else $("rate-out").replaceChildren(h("p", { class: "empty" }, t("handoffs.chooseFirst")));
  }
  if (!$("list-out").hasChildNodes()) renderList($("list-out"), ctx);
}

// paged shows the first page of hand-offs in out (wrapper, holding
// container, replaces the loading note) and returns how many it held; a
// "Show more" button fetches the next page while there is one.
async function paged(out, wrapper, container, query, render) {
  let data;
  try {
    data = await call("handoffs", { query: { ...query, limit: query.limit || PAGE } });
  } catch (err) {
    failed(out, err);
    return undefined;
  }
  done(out);
  out.replaceChildren(wrapper);
  const items = data.handoffs; // HandoffList in openapi.json
  for (const it of items) container.append(render(it));
  more(out, container, query, render, data && data.next_cursor);
  return items.length;
}

function more(out, container, query, render, cursor) {
  if (!cursor) return;
  const button = h("button", { type: "button", class: "more secondary" }, t("common.showMore"));
  const note = h("div", { class: "more-msg" });
  button.addEventListener("click", async () => {
    button.disabled = true;
    let data;
    try {
      data = await call("handoffs", { query: { ...query, limit: query.limit || PAGE, cursor } });
    } catch (err) {
      note.replaceChildren(errorBox(err));
      button.disabled = false;
      return;
    }
    button.remove();
    note.remove();
    for (const it of data.handoffs) container.append(render(it));
    more(out, container, query, render, data && data.next_cursor);
  });
  out.append(note, button);
}

// rater is the department whose deliveries are rated: the token's, or
// the one an admin picked.
function rater(ctx) {
  return (ctx.me && ctx.me.role !== "admin" && ctx.me.department) || $("rate-dept").value;
}

async function renderDeliveries(out, ctx) {
  const customer = rater(ctx);
  if (!customer) return;
  myDepartment.set(customer);
  busy(out, t("handoffs.loadingDeliveries"));
  const ul = h("ul", { class: "cards" });
  const n = await paged(out, ul, ul, { customer, state: "delivered", limit: CARDS }, (it) => ratingCard(it, ctx));
  if (n === 0) out.replaceChildren(h("p", { class: "empty" }, t("handoffs.noDeliveries", { department: ctx.name(customer) })));
}

async function renderList(out, ctx) {
  busy(out, t("handoffs.loading"));
  const tbody = h("tbody");
  const table = h("div", { class: "scroll" },
    h("table", { class: "data stack handoff-list" },
      h("thead", {}, h("tr", {},
        h("th", { scope: "col" }, t("handoff.title")),
        h("th", { scope: "col" }, t("common.pair")),
        h("th", { scope: "col" }, t("common.kind")),
        h("th", { scope: "col" }, t("common.state")),
        h("th", { scope: "col" }, t("common.requestedOn")),
        h("th", { scope: "col" }, t("handoffs.updated")),
        h("th", { scope: "col", title: t("handoffs.dueHint") }, t("handoffs.due")),
        h("th", { scope: "col", class: "num", title: t("handoffs.countsHint") }, t("handoffs.countsShort")),
      )),
      tbody));
  const query = { state: $("list-state").value, supplier: $("list-supplier").value, customer: $("list-customer").value };
  const n = await paged(out, table, tbody, query, (it) =>
    h("tr", {},
      h("th", { scope: "row" }, h("a", { class: "title", href: `#/handoffs/${encodeURIComponent(it.id)}` }, it.title || it.id), h("span", { class: "id" }, it.id)),
      h("td", { "data-label": t("common.pair") }, `${ctx.name(it.supplier)} → ${ctx.name(it.customer)}`),
      h("td", { class: "nowrap", "data-label": t("common.kind") }, it.kind),
      h("td", { "data-label": t("common.state") }, h("span", { class: `state st-${it.state}` }, state(it.state))),
      h("td", { class: "nowrap", "data-label": t("common.requestedOn") }, when(it.requested_at)),
      h("td", { class: "nowrap", "data-label": t("handoffs.updated") }, when(it.updated_at)),
      h("td", { class: "nowrap", "data-label": t("handoffs.due") }, when(it.due_at),
        it.calendar ? h("span", { class: "id", title: t("handoffs.calendarHint") }, ` ${it.calendar}`) : ""),
      h("td", { class: "num", "data-label": t("handoff.counts") }, `${int(it.deliveries)} / ${int(it.returns)} / ${int(it.escalations)}`),
    ));
  if (n === 0) out.replaceChildren(h("p", { class: "empty" }, t("handoffs.noMatch")));
}

// ratingCard is a delivered hand-off with a 1–5 rating form, when the
// viewer may rate it (the customer's side, or an admin: the lifecycle
// table's rate).
function ratingCard(it, ctx) {
  const head = h("h3", {}, h("a", { href: `#/handoffs/${encodeURIComponent(it.id)}` }, it.title || it.id));
  if (!allowed(it, ctx.me).some((a) => a.name === "rate")) return h("li", { class: "card handoff" }, head, meta(it, ctx));
  const fid = `rate-${it.id}`.replace(/[^\w-]/g, "_");
  const msg = h("p", { class: "msg", role: "status", "aria-live": "polite" });
  const comment = h("textarea", { id: `${fid}-comment`, name: "comment", maxlength: "2000", rows: "2" });
  const submit = h("button", { type: "submit" }, t("rating.send"));
  const form = h("form", { class: "rating", "aria-labelledby": `${fid}-title` },
    h("fieldset", {},
      h("legend", {}, t("rating.yours")),
      h("div", { class: "stars" }, SCORES.map((n) =>
        h("label", { class: "star", title: t(`score.${n}`) },
          h("input", { type: "radio", name: "score", value: String(n), required: n === 1 }),
          h("span", {}, String(n)), h("span", { class: "sr-only" }, ` (${t(`score.${n}`)})`)))),
    ),
    h("label", { for: `${fid}-comment` }, t("rating.comment")),
    comment,
    h("div", { class: "actions" }, submit),
    msg,
  );
  // One key per submission, reused when the same submission is retried
  // after a network or server error.
  let pending = null; // {key, body}
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const scoreInput = form.querySelector("input[name=score]:checked");
    if (!scoreInput) {
      msg.replaceChildren(h("span", { class: "error" }, t("rating.pick")));
      return;
    }
    const body = { score: Number(scoreInput.value) };
    if (comment.value.trim()) body.comment = comment.value.trim();
    const json = JSON.stringify(body);
    if (!pending || pending.body !== json) pending = { key: newIdempotencyKey(), body: json };
    submit.disabled = true;
    msg.textContent = t("common.sending");
    try {
      const res = await call("rate", { params: { id: it.id }, body, headers: { "Idempotency-Key": pending.key } });
      pending = null;
      ctx.wrote(res && res.position); // what is read next shows the rating
      form.replaceWith(h("p", { class: "ok", role: "status" }, t("rating.thanks", { score: body.score })));
    } catch (err) {
      if (refused(err)) pending = null;
      msg.replaceChildren(errorBox(err));
      if (pending) msg.append(h("span", { class: "note" }, t("rating.retry")));
      submit.disabled = false;
    }
  });
  head.id = `${fid}-title`;
  return h("li", { class: "card handoff" }, head, meta(it, ctx), form);
}

// meta is a delivered hand-off's pair, kind, id and dates.
function meta(it, ctx) {
  return h("p", { class: "meta" },
    `${ctx.name(it.supplier)} → ${ctx.name(it.customer)}`, " · ", it.kind, " · ", h("span", { class: "id" }, it.id), ` · ${t("handoffs.requestedAt", { when: when(it.requested_at) })}`,
    it.deliveries > 1 ? ` · ${t("handoffs.deliveredTimes", { count: it.deliveries })}` : "");
}
