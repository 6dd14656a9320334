// The JSON API as the page uses it: the endpoints, the bearer token and
// problem+json errors. No other module names an API path.

import { t } from "./i18n.js";
import LIFECYCLE from "./lifecycle.js";

// COMMANDS: each command of the lifecycle table on an existing hand-off,
// by its name, at POST /api/v1/handoffs/{id}/ and its route segment (rate
// is served at /rating), as the API registers them from the same table.
const COMMANDS = Object.fromEntries(LIFECYCLE.filter((c) => !c.from.includes("none"))
  .map((c) => [c.name, `POST /api/v1/handoffs/{id}/${c.route}`]));

// ENDPOINTS lists every call the page makes, as "METHOD /path" with {name}
// placeholders. A Go test checks each literal one against the OpenAPI
// document (the commands' against the lifecycle table).
export const ENDPOINTS = Object.freeze({
  ...COMMANDS,
  me: "GET /api/v1/me",
  departments: "GET /api/v1/departments",
  hotspots: "GET /api/v1/hotspots",
  chain: "GET /api/v1/chain",
  scorecard: "GET /api/v1/departments/{id}/scorecard",
  handoffs: "GET /api/v1/handoffs",
  agreements: "GET /api/v1/agreements",
  handoff: "GET /api/v1/handoffs/{id}",
  request: "POST /api/v1/handoffs",
  setAgreement: "PUT /api/v1/agreements/{supplier}/{customer}",
  calendars: "GET /api/v1/calendars",
  range: "GET /api/v1/range",
  pair: "GET /api/v1/pairs/{supplier}/{customer}",
  series: "GET /api/v1/pairs/{supplier}/{customer}/series",
  recognitions: "GET /api/v1/pairs/{supplier}/{customer}/recognitions",
  recognise: "POST /api/v1/pairs/{supplier}/{customer}/recognitions",
  brightspots: "GET /api/v1/brightspots",
  departmentRecognitions: "GET /api/v1/departments/{id}/recognitions",
});

const TOKEN_KEY = "cadena.token";

// The token lives in this tab's sessionStorage only: never in the URL,
// never in storage that outlives the tab, never logged.
export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY) || "",
  set: (t) => sessionStorage.setItem(TOKEN_KEY, t.trim()),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

// ApiError is a failed call; detail is the problem's detail (or the best
// the response offers).
export class ApiError extends Error {
  constructor(status, problem) {
    const detail = problem.detail || problem.title || t("error.status", { status: String(status) });
    super(detail);
    this.name = "ApiError";
    this.status = status;
    this.problem = problem;
    this.detail = detail;
  }
}

// Called with the error when the API refuses the token (401).
let onUnauthorized = () => {};
export function setUnauthorizedHandler(f) {
  onUnauthorized = f;
}

function url(name, params = {}, query = {}) {
  const endpoint = ENDPOINTS[name];
  if (!endpoint) throw new Error(`unknown endpoint ${name}`);
  const [method, template] = endpoint.split(" ");
  const path = template.replace(/\{(\w+)\}/g, (_, k) => {
    if (params[k] === undefined) throw new Error(`${name}: missing ${k}`);
    return encodeURIComponent(params[k]);
  });
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== "") qs.set(k, String(v));
  }
  const q = qs.toString();
  return { method, href: q ? `${path}?${q}` : path };
}

// call makes one API call and returns the decoded JSON body.
// opts: params (path placeholders), query, body (sent as JSON), headers.
export async function call(name, opts = {}) {
  const { method, href } = url(name, opts.params, opts.query);
  const headers = { Accept: "application/json, application/problem+json", ...opts.headers };
  const t = token.get();
  if (t) headers.Authorization = `Bearer ${t}`;
  const init = { method, headers, credentials: "omit", cache: "no-store", referrerPolicy: "no-referrer" };
  if (opts.body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(opts.body);
  }
  let res;
  try {
    res = await fetch(href, init);
  } catch {
    throw new ApiError(0, { title: t("error.network"), detail: t("error.networkDetail") });
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    const problem = data && typeof data === "object" ? data : { title: res.statusText };
    const err = new ApiError(res.status, problem);
    if (res.status === 401) onUnauthorized(err);
    throw err;
  }
  return data;
}

// refused tells whether an error is the API's refusal of the request (a
// 4xx other than 408 and 429): resending it as it is would be refused
// again, so a form makes a new Idempotency-Key for the next submission. A
// network or server error, a timeout or a rate limit keep the key: the
// same submission sent again is a retry.
export function refused(err) {
  return !!err && err.status >= 400 && err.status < 500 && err.status !== 408 && err.status !== 429;
}

// newIdempotencyKey returns 128 random bits as hex. It uses
// getRandomValues, which unlike randomUUID also works on plain http.
export function newIdempotencyKey() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}
