// Test-only: sends the same recognition three times from the pair page, as
// a user would after each answer: the fake API refuses the first (403),
// fails the second (503) and records the third. The body's data attributes
// keep what the page showed. The fake API serves it; it is not part of the
// embedded page.

import { until } from "./until.js";

await until(() => !document.getElementById("whoami").hidden, "the sign-in");
location.hash = "#/pairs/finance/sales";
const form = await until(() => document.getElementById("rec-form"), "the recognition form");

async function send(status) {
  form.querySelector("textarea").value = "Thanks for the quick review";
  form.requestSubmit();
  return until(() => {
    const e = form.querySelector(".form-msg .error");
    return e && e.textContent.endsWith(`(${status})`) && e.textContent;
  }, `the ${status} problem`);
}

document.body.dataset.refused = await send(403);
document.body.dataset.failed = await send(503);
form.querySelector("textarea").value = "Thanks for the quick review";
form.requestSubmit();
// Recorded: the pair page is drawn again, with a new form.
await until(() => document.getElementById("rec-form") && document.getElementById("rec-form") !== form, "the pair page drawn again");
document.body.dataset.driver = "done";
