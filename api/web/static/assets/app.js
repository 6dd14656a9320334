// The page: sign-in, the time window, the views and which one shows.

import { call, token, setUnauthorizedHandler } from "./api.js";
import { renderHotspots } from "./hotspots.js";
import { renderChain } from "./chain.js";
import { initScorecard, renderScorecard } from "./scorecard.js";
import { showHandoffs } from "./handoffs.js";
import { errorBox } from "./view.js";
import { showWork } from "./work.js";
import { showRequest } from "./request.js";
import { renderHandoff } from "./handoff.js";
import { showAgreements } from "./agreements.js";
import { hintRange } from "./range.js";
import { renderPair } from "./pair.js";
import { renderBrightSpots } from "./brightspots.js";
import { t, applyStatic, setLang, onLangChange } from "./i18n.js";

const $ = (id) => document.getElementById(id);
const VIEWS = ["work", "request", "hotspots", "chain", "scorecard", "handoffs", "handoff", "agreements", "pair"];
// FRESH views read again each time they are shown (they hold work to do).
const FRESH = ["work", "request", "handoff", "agreements"];
const DAY = 86400000;

// ctx is what views share: the window, department names, who is signed in
// and the organisation's policy (both from the "me" endpoint, so the page
// never hard-codes a threshold), the loaders.
const ctx = {
  departments: [],
  names: new Map(),
  me: null,
  policy: null,
  // position is the global position of this tab's latest write: reads pass
  // it as min_position, so they show the write at once.
  position: 0,
  wrote(p) {
    if (typeof p === "number" && p > this.position) this.position = p;
  },
  // name returns a department's display name for an id.
  name(id) {
    return this.names.get(id) || id;
  },
  // window returns the API's from/to: dates (YYYY-MM-DD), to exclusive,
  // so the day picked as "to" is included.
  window() {
    const from = $("from").value;
    const to = $("to").valueAsDate;
    return {
      from: from || undefined,
      to: to ? new Date(to.getTime() + DAY).toISOString().slice(0, 10) : undefined,
    };
  },
  // read is the window with min_position at this tab's latest write: the
  // figures read after a write count it.
  read() {
    return { ...this.window(), min_position: this.position || undefined };
  },
};

let current = "";
let loaded = { departments: false };
let windowPicked = false; // the user chose the window: keep it

function bootstrapToken() {
  // A token may arrive in the fragment (#token=...&view=chain), which
  // browsers never send to servers. Move it to sessionStorage and drop it
  // from the address bar and history at once.
  if (!location.hash.startsWith("#token=")) return;
  // Split by hand: URLSearchParams would turn a "+" in a token into a space.
  const f = new Map(location.hash.slice(1).split("&").map((kv) => {
    const i = kv.indexOf("=");
    return i < 0 ? [kv, ""] : [kv.slice(0, i), safeDecode(kv.slice(i + 1))];
  }));
  const t = (f.get("token") || "").trim();
  if (t) token.set(t);
  const view = VIEWS.includes(f.get("view")) ? f.get("view") : "hotspots";
  // &handoff=<id> opens one hand-off.
  const to = f.get("handoff") ? `handoffs/${encodeURIComponent(f.get("handoff"))}` : view;
  history.replaceState(null, "", `${location.pathname}${location.search}#/${to}`);
}

function safeDecode(x) {
  try {
    return decodeURIComponent(x);
  } catch {
    return x;
  }
}

function showSignIn(message) {
  $("app").hidden = true;
  $("signout").hidden = true;
  $("whoami").hidden = true;
  $("signin").hidden = false;
  $("signin-msg").textContent = message || "";
  $("token").value = "";
  $("token").focus();
}

function signOut() {
  token.clear();
  sessionStorage.clear(); // the department picked too: nothing of the session stays
  ctx.departments = [];
  ctx.names = new Map();
  ctx.me = null;
  ctx.policy = null;
  ctx.position = 0;
  loaded = { departments: false };
  current = "";
  for (const id of ["hotspots-out", "chain-out", "scorecard-out", "rate-out", "list-out", "work-out", "handoff-out", "req-msg", "req-agreement", "ag-current", "ag-msg", "pair-out", "brightspots-out"]) $(id).replaceChildren();
  showSignIn(t("app.signedOut"));
}

// loadSession reads who is signed in, the policy and the departments
// (DepartmentList and Me in openapi.json).
async function loadSession() {
  const [me, data] = await Promise.all([call("me"), call("departments")]);
  ctx.me = me;
  ctx.policy = me.policy;
  $("whoami").textContent = greeting(me);
  $("whoami").hidden = false;
  ctx.departments = data.departments.filter((d) => !d.retired);
  ctx.departments.sort((a, b) => (a.name || a.id).localeCompare(b.name || b.id));
  ctx.names = new Map(data.departments.map((d) => [d.id, d.name || d.id]));
  if (!windowPicked) defaultWindow(me.policy.time_zone);
  loaded.departments = true;
}

// greeting names the token and, when it has one, its department.
function greeting(me) {
  const role = t(`role.${me.role}`);
  if (!me.department) return t("app.signedIn", { name: me.name, role });
  return t("app.signedInDept", { name: me.name, role, department: me.department_name || me.department });
}

// defaultWindow sets the 30 days ending today, today as a date in the
// organisation's time zone (its days are the figures' days).
function defaultWindow(timeZone) {
  const ymd = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
  const today = Date.parse(`${ymd}T00:00:00Z`);
  $("to").valueAsDate = new Date(today);
  $("from").valueAsDate = new Date(today - 30 * DAY);
}

let handoffID = ""; // the hand-off #/handoffs/{id} shows
let pairIDs = []; // the supplier and customer #/pairs/{s}/{c} shows

function route() {
  const pair = /^#\/pairs\/([^/]+)\/([^/]+)$/.exec(location.hash);
  if (pair) {
    pairIDs = [safeDecode(pair[1]), safeDecode(pair[2])];
    return show("pair", true);
  }
  const one = /^#\/handoffs\/(.+)$/.exec(location.hash);
  if (one) {
    handoffID = safeDecode(one[1]);
    return show("handoff", true);
  }
  const sc = /^#\/scorecard\/(.+)$/.exec(location.hash);
  if (sc) ctx.scorecard = safeDecode(sc[1]); // the department to open on
  const m = /^#\/(\w+)/.exec(location.hash);
  const view = m && VIEWS.includes(m[1]) && m[1] !== "handoff" && m[1] !== "pair" ? m[1] : "hotspots";
  show(view, FRESH.includes(view) || view === "scorecard"); // the address may name another department
}

async function show(view, force = false) {
  if (!token.get()) return showSignIn();
  $("signin").hidden = true;
  $("app").hidden = false;
  $("signout").hidden = false;
  for (const v of VIEWS) $(`view-${v}`).hidden = v !== view;
  for (const a of document.querySelectorAll(".tabs a")) {
    if (a.dataset.view === view) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  $("window").hidden = view === "handoffs" || FRESH.includes(view);
  const changed = view !== current;
  current = view;
  const heading = document.querySelector(`#view-${view} h1`).textContent;
  document.title = `${heading} · Cadena`;
  if (!changed && !force) return;
  try {
    if (!loaded.departments) await loadSession();
  } catch (err) {
    if (err.status !== 401) showError(view, err);
    return;
  }
  if (["hotspots", "chain", "scorecard"].includes(view)) hintRange(ctx);
  else $("window-hint").hidden = true;
  if (view === "hotspots") renderHotspots($("hotspots-out"), ctx);
  if (view === "hotspots") renderBrightSpots($("brightspots-out"), ctx);
  if (view === "pair") renderPair($("pair-out"), pairIDs[0], pairIDs[1], ctx);
  if (view === "chain") renderChain($("chain-out"), ctx);
  if (view === "scorecard") {
    initScorecard(ctx);
    renderScorecard($("scorecard-out"), ctx);
  }
  if (view === "handoffs") showHandoffs(ctx);
  if (view === "work") showWork(ctx);
  if (view === "request") showRequest(ctx);
  if (view === "handoff") renderHandoff($("handoff-out"), handoffID, ctx);
  if (view === "agreements") showAgreements(ctx);
}

// showError shows why a view could not load, in the view's first output.
function showError(view, err) {
  const out = $(view === "handoffs" ? "rate-out" : view === "request" ? "req-msg" : view === "agreements" ? "ag-msg" : `${view}-out`);
  out.replaceChildren(errorBox(err));
}

function init() {
  applyStatic();
  for (const b of document.querySelectorAll("button[data-lang]")) b.addEventListener("click", () => setLang(b.dataset.lang));
  // A switch re-renders the view shown, keeping the window and the address.
  onLangChange(() => {
    if (!token.get() || !current) return;
    if (loaded.departments) $("whoami").textContent = greeting(ctx.me);
    // The hand-off lists are drawn once per sign-in: draw them again.
    for (const id of ["rate-out", "list-out"]) $(id).replaceChildren();
    show(current, true);
  });
  bootstrapToken();
  defaultWindow("UTC"); // until the policy says otherwise
  setUnauthorizedHandler((err) => {
    token.clear();
    loaded = { departments: false };
    current = "";
    showSignIn(t("app.refused", { detail: err.detail }));
  });
  $("token-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const t = $("token").value.trim();
    if (!t) return;
    token.set(t);
    $("token").value = "";
    $("signin-msg").textContent = "";
    if (!/^#\/\w/.test(location.hash)) history.replaceState(null, "", "#/hotspots");
    route();
    $("main").focus();
  });
  $("signout").addEventListener("click", signOut);
  $("window").addEventListener("submit", (e) => {
    e.preventDefault();
    windowPicked = true;
    if ($("from").value > $("to").value) {
      [$("from").value, $("to").value] = [$("to").value, $("from").value];
    }
    show(current, true);
  });
  window.addEventListener("hashchange", () => {
    if (/^#token=/.test(location.hash)) bootstrapToken();
    if (/^#\//.test(location.hash) || location.hash === "") route();
  });
  route();
}

init();
