// Test-only: drives the rating form the way a user would, so the browser
// test can check what the page sends and shows. The fake API serves it; it
// is not part of the embedded page.

import { until } from "./until.js";

async function rate(card, n, comment) {
  card.querySelector(`input[name=score][value="${n}"]`).click();
  if (comment) card.querySelector("textarea").value = comment;
  card.querySelector("form").requestSubmit();
}

// The page cannot tell the user's department from the token: pick it.
const dept = await until(() => document.querySelector("#rate-dept option[value=finance]") && document.getElementById("rate-dept"), "the department picker");
dept.value = "finance";
dept.dispatchEvent(new Event("change"));

const cards = await until(() => {
  const c = document.querySelectorAll("#rate-out li.handoff");
  return c.length === 2 && c;
}, "two delivered hand-offs");

// The first submission meets a server error; the retry sends the same
// rating with the same key.
await rate(cards[0], 4, "Fast, thanks");
const shown = await until(() => cards[0].querySelector(".msg .error"), "the 503 problem");
document.body.dataset.firstError = shown.textContent;
cards[0].querySelector("form").requestSubmit();
await until(() => cards[0].querySelector(".ok"), "the recorded rating");

// The second is refused for good.
await rate(cards[1], 2, "");
await until(() => cards[1].querySelector(".msg .error"), "the 403 problem");

// The rated hand-off, opened from its title.
cards[0].querySelector("h3 a").click();
await until(() => document.querySelector("#handoff-out article"), "the rated hand-off's page");
// The figures, read after the rating.
location.hash = "#/scorecard";
await until(() => document.querySelector("#scorecard-out .sides"), "the scorecard");
location.hash = "#/hotspots";
await until(() => document.querySelector("#hotspots-out table") && document.querySelector("#brightspots-out .bright"), "the hotspots");
document.body.dataset.driver = "done";
