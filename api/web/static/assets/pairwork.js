// The pair page's working parts: the agreement in force, the hand-offs
// open between the two departments with their clocks, and the latest
// ratings and their comments, shown only to those who may read ratings and only once
// the window holds the anonymity minimum of ratings.

import { call } from "./api.js";
import { h, when, state } from "./format.js";
import { t } from "./i18n.js";
import { errorBox } from "./view.js";
import { clock, sides, span } from "./actions.js";

const OPEN = ["requested", "accepted", "paused", "returned"];
const SHOWN = 10; // open hand-offs and deliveries read in full (one read each)
const COMMENTS = 5;

// pairWork reads what the three sections need and returns them, each an
// element; a failed read shows its problem in its own section only.
export async function pairWork(supplier, customer, pair, ctx) {
  const query = { supplier, customer, min_position: ctx.position || undefined };
  const [agreement, open, comments] = await Promise.all([
    agreementSection(supplier, customer, ctx).catch((err) => section("pair-agreement", t("pair.agreement"), errorBox(err))),
    openSection(query, ctx, supplier, customer).catch((err) => section("pair-open", t("pair.openHandoffs"), errorBox(err))),
    commentsSection(query, customer, pair, ctx).catch((err) => section("pair-comments", t("pair.comments"), errorBox(err))),
  ]);
  return [agreement, open, comments];
}

function section(id, title, ...body) {
  return h("section", { class: "pair-part", id }, h("h2", {}, title), ...body);
}

// agreementSection: the pair's agreement in force (AgreementList in
// openapi.json), targets in working hours when it counts in a calendar.
async function agreementSection(supplier, customer, ctx) {
  const data = await call("agreements", { query: { min_position: ctx.position || undefined } });
  const ag = data.agreements.find((a) => a.supplier === supplier && a.customer === customer);
  if (!ag) return section("pair-agreement", t("pair.agreement"), h("p", { class: "empty" }, t("pair.noAgreement")));
  return section("pair-agreement", t("pair.agreement"), h("p", { class: "agreement", "data-version": ag.version },
    h("strong", {}, t("agreements.version", { version: String(ag.version) }), " "),
    t("agreement.resolve", { d: span(ag.resolve_within_s, ag) }),
    ag.respond_within_s ? `, ${t("agreement.respond", { d: span(ag.respond_within_s, ag) })}` : `, ${t("agreement.noRespond")}`,
    ag.kind ? `, ${t("agreement.kind", { kind: ag.kind })}` : `, ${t("agreement.anyKind")}`,
    `, ${ag.calendar ? t("agreement.workingTime", { calendar: ag.calendar }) : t("agreement.wallClock")}`));
}

// openSection: the hand-offs open between them (HandoffList, one call per
// open state), oldest request first, each with its clock (Handoff). The
// API lists hand-offs only to their two departments and admins: anyone
// else reads that, not an empty list.
async function openSection(query, ctx, supplier, customer) {
  const s = sides({ supplier, customer }, ctx.me);
  if (!s.supplier && !s.customer) {
    return section("pair-open", t("pair.openHandoffs"), h("p", { class: "empty" }, t("pair.openNotYours", { supplier: ctx.name(supplier), customer: ctx.name(customer) })));
  }
  const pages = await Promise.all(OPEN.map((st) => call("handoffs", { query: { ...query, state: st, limit: 50 } })));
  const all = pages.flatMap((p) => p.handoffs).sort((a, b) => a.requested_at.localeCompare(b.requested_at));
  const more = pages.some((p) => p.next_cursor);
  const title = [t("pair.openHandoffs"), " ", h("span", { class: "count" }, `(${all.length}${more ? "+" : ""})`)];
  if (!all.length) return section("pair-open", title, h("p", { class: "empty" }, t("pair.noOpen")));
  const full = await read(all.slice(0, SHOWN), ctx);
  return section("pair-open", title,
    h("ul", { class: "cards" }, full.map((hd) => h("li", { class: "card handoff", "data-handoff": hd.id, "data-state": hd.state },
      h("h3", {}, h("a", { href: `#/handoffs/${encodeURIComponent(hd.id)}` }, hd.title || hd.id)),
      h("p", { class: "meta" }, hd.kind, " · ", h("span", { class: `state st-${hd.state}` }, state(hd.state)), " · ", t("handoffs.requestedAt", { when: when(hd.requested_at) })),
      h("p", { class: "meta" }, clock(hd, ctx.policy))))),
    all.length > SHOWN ? h("p", { class: "note" }, t("pair.openShown", { shown: SHOWN, count: all.length })) : null);
}

// commentsSection: the latest ratings given in the window, newest first,
// each with its comment when it has one, read from the latest deliveries. Only for those who may
// read ratings, and hidden, like every satisfaction figure, while the
// window holds fewer ratings than the anonymity minimum.
async function commentsSection(query, customer, pair, ctx) {
  const title = t("pair.comments");
  if (!sides({ customer }, ctx.me).customer) { // the API shows ratings to admins and the customer only
    return section("pair-comments", title, h("p", { class: "empty" }, t("pair.commentsNotYours", { customer: ctx.name(customer) })));
  }
  const min = ctx.policy.anonymity_min;
  const ratings = pair.satisfaction ? pair.satisfaction.ratings : 0;
  if (ratings < min) {
    return section("pair-comments", title, h("p", { class: "empty hidden-anon" }, t("pair.commentsHidden", { min, count: ratings })));
  }
  const page = await call("handoffs", { query: { ...query, state: "delivered", limit: SHOWN } });
  const win = ctx.window();
  const inWindow = (iso) => {
    const d = dayIn(iso, ctx.policy && ctx.policy.time_zone);
    return (!win.from || d >= win.from) && (!win.to || d < win.to);
  };
  const rated = (await read(page.handoffs, ctx))
    .filter((hd) => hd.rating && inWindow(hd.rating.rated_at))
    .sort((a, b) => b.rating.rated_at.localeCompare(a.rating.rated_at))
    .slice(0, COMMENTS);
  if (!rated.length) return section("pair-comments", title, h("p", { class: "empty" }, t("pair.noComments")));
  return section("pair-comments", title, h("ul", { class: "comments" }, rated.map((hd) => h("li", { "data-handoff": hd.id },
    hd.rating.comment ? h("blockquote", {}, hd.rating.comment) : null,
    h("p", { class: "muted" }, t("common.of5", { score: hd.rating.score }), " · ",
      h("a", { href: `#/handoffs/${encodeURIComponent(hd.id)}` }, hd.title || hd.id), " · ",
      h("time", { datetime: hd.rating.rated_at }, when(hd.rating.rated_at)))))));
}

// read fetches each hand-off's Handoff, four at a time so a page stays
// within the token's rate limit.
async function read(summaries, ctx) {
  const out = [];
  for (let i = 0; i < summaries.length; i += 4) {
    out.push(...await Promise.all(summaries.slice(i, i + 4).map((s) =>
      call("handoff", { params: { id: s.id }, query: { min_position: ctx.position || undefined } }))));
  }
  return out;
}

// dayIn is the date (YYYY-MM-DD) of an instant in a time zone: the
// figures' days are the organisation's.
function dayIn(iso, timeZone) {
  return new Intl.DateTimeFormat("en-CA", { timeZone: timeZone || "UTC", year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(iso));
}
