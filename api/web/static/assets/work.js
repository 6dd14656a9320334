// My work: what a department must do (it supplies), what it waits for (it
// is the customer) and what it may rate, each hand-off with its clock and
// the actions the viewer may take.

import { call } from "./api.js";
import { h, when, state } from "./format.js";
import { t } from "./i18n.js";
import { busy, failed, done, errorBox } from "./view.js";
import { fillDepartments } from "./scorecard.js";
import { actionBar, clock } from "./actions.js";

const $ = (id) => document.getElementById(id);
const PAGE = 50; // hand-offs per state and list
const CARDS = 10; // hand-offs shown at a time (each costs one more read)
let wired = false;

// LISTS: the side the department plays and the states each list holds.
// Their title, lede and empty note are the catalogue's work.{key}.*.
const LISTS = [
  { key: "todo", side: "supplier", states: ["requested", "accepted", "returned", "paused"] },
  { key: "waiting", side: "customer", states: ["requested", "accepted", "paused", "returned"] },
  // Deliveries newest first: updated_at is the latest delivery's time (a
  // rating never moves it).
  { key: "rate", side: "customer", states: ["delivered"], newest: true },
];

// initWork fills the department picker (admins choose; others act for
// their token's department) and wires the form, once per sign-in.
function initWork(ctx) {
  const sel = $("work-dept");
  fillDepartments(sel, ctx, false, t("work.chooseDept"));
  const admin = ctx.me && ctx.me.role === "admin";
  $("work-dept-label").hidden = !admin && !!(ctx.me && ctx.me.department);
  if (wired) return;
  wired = true;
  $("work-form").addEventListener("submit", (e) => {
    e.preventDefault();
    renderWork($("work-out"), ctx);
  });
  sel.addEventListener("change", () => renderWork($("work-out"), ctx));
}

// showWork renders the view each time it is shown, so it is never stale.
export function showWork(ctx) {
  initWork(ctx);
  renderWork($("work-out"), ctx);
}

async function renderWork(out, ctx) {
  const dept = (ctx.me && ctx.me.role !== "admin" && ctx.me.department) || $("work-dept").value;
  if (!dept) {
    out.replaceChildren(h("p", { class: "empty" }, t("work.chooseFirst")));
    return;
  }
  busy(out, t("work.loading", { department: ctx.name(dept) }));
  let lists;
  try {
    lists = await Promise.all(LISTS.map((l) => load(l, dept, ctx)));
  } catch (err) {
    return failed(out, err);
  }
  done(out);
  const refresh = (hd) => {
    ctx.wrote(hd.position);
    renderWork(out, ctx);
  };
  out.replaceChildren(h("p", { class: "lede" }, t("work.lede", { department: ctx.name(dept) })), ...LISTS.map((l, i) => {
    const { summaries, first, more } = lists[i];
    const ul = h("ul", { class: "cards" }, first.map((hd) => workCard(hd, l, ctx, refresh)));
    const sec = h("section", { class: "worklist", id: `work-${l.key}`, "aria-labelledby": `work-${l.key}-h` },
      h("h2", { id: `work-${l.key}-h` }, `${t(`work.${l.key}.title`)} `, h("span", { class: "count" }, `(${summaries.length}${more ? "+" : ""})`)),
      h("p", { class: "lede" }, t(`work.${l.key}.lede`)),
      summaries.length ? ul : h("p", { class: "empty" }, t(`work.${l.key}.empty`)));
    showMore(sec, ul, summaries, first.length, l, ctx, refresh);
    if (more) sec.append(h("p", { class: "note" }, t("work.only", { count: PAGE })));
    return sec;
  }));
}

// load fetches a list's hand-offs (HandoffList, one call per state),
// oldest request first (the rate list: latest delivery first), and the
// Handoff of the first CARDS of them.
async function load(l, dept, ctx) {
  const min = ctx.position || undefined;
  const pages = await Promise.all(l.states.map((state) =>
    call("handoffs", { query: { [l.side]: dept, state, limit: PAGE, min_position: min } })));
  const summaries = pages.flatMap((p) => p.handoffs);
  if (l.newest) summaries.sort((a, b) => b.updated_at.localeCompare(a.updated_at));
  else summaries.sort((a, b) => a.requested_at.localeCompare(b.requested_at));
  const first = await details(summaries.slice(0, CARDS), ctx, l);
  return { summaries, first, more: pages.some((p) => p.next_cursor) };
}

// details reads each hand-off's Handoff (its clock and agreement), a few
// at a time so a long list stays within the token's rate limit; a page is
// shown soonest due first (the rate list keeps its order).
async function details(summaries, ctx, l) {
  const out = [];
  for (let i = 0; i < summaries.length; i += 4) {
    out.push(...await Promise.all(summaries.slice(i, i + 4).map((s) =>
      call("handoff", { params: { id: s.id }, query: { min_position: ctx.position || undefined } }))));
  }
  if (l.newest) return out;
  // Deadlines within the same minute keep the order of the requests.
  const minute = (hd) => Math.floor(remaining(hd) / 60);
  return out.sort((a, b) => minute(a) - minute(b) || a.requested_at.localeCompare(b.requested_at));
}

// showMore adds a button that shows the next CARDS hand-offs of a list.
function showMore(sec, ul, summaries, shown, l, ctx, refresh) {
  if (shown >= summaries.length) return;
  const note = h("div", { class: "more-msg" });
  const button = h("button", { type: "button", class: "more secondary" }, t("work.more", { count: summaries.length - shown }));
  button.addEventListener("click", async () => {
    button.disabled = true;
    let next;
    try {
      next = await details(summaries.slice(shown, shown + CARDS), ctx, l);
    } catch (err) {
      note.replaceChildren(errorBox(err));
      button.disabled = false;
      return;
    }
    button.remove();
    note.remove();
    ul.append(...next.map((hd) => workCard(hd, l, ctx, refresh)));
    showMore(sec, ul, summaries, shown + next.length, l, ctx, refresh);
  });
  ul.after(note, button);
}

// remaining is the time left before the deadline, in seconds (Infinity
// without a target); due_at wins where the response has it.
function remaining(hd) {
  if (hd.due_at) return (Date.parse(hd.due_at) - Date.now()) / 1000;
  const t = hd.agreement ? hd.agreement.resolve_within_s : 0;
  return t > 0 ? t - hd.supplier_owned_s : Infinity;
}

// workCard is one hand-off of a list.
function workCard(hd, l, ctx, refresh) {
  const other = l.side === "supplier" ? t("work.for", { department: ctx.name(hd.customer) }) : t("work.from", { department: ctx.name(hd.supplier) });
  const delivered = hd.state === "delivered";
  return h("li", { class: "card handoff", "data-handoff": hd.id, "data-state": hd.state },
    h("h3", {}, h("a", { href: `#/handoffs/${encodeURIComponent(hd.id)}` }, hd.title || hd.id)),
    h("p", { class: "meta" }, other, " · ", hd.kind, " · ", h("span", { class: `state st-${hd.state}` }, state(hd.state))),
    h("p", { class: "meta" }, clock(hd, ctx.policy)),
    delivered ? h("p", { class: "meta" }, t("work.delivered", { when: when(hd.latest_delivery_at) }), hd.deliveries > 1 ? ` ${t("work.deliveryN", { n: hd.deliveries })}` : "", deliveryNote(hd)) : null,
    delivered && hd.rating ? h("p", { class: "meta rated" }, t("common.ratedOf5", { score: hd.rating.score }), hd.rating.comment ? `: “${hd.rating.comment}”` : "", ` ${t("work.rateAgain")}`) : null,
    actionBar(hd, ctx.me, refresh),
  );
}

// deliveryNote is the note of the latest delivery, from the timeline.
function deliveryNote(hd) {
  const d = (hd.timeline || []).filter((e) => e.type === "handoff.delivered.v1").pop();
  const note = d && d.data && d.data.note;
  return note ? h("span", { class: "note" }, t("common.note", { note })) : null;
}
