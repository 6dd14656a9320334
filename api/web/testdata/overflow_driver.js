// Test-only: once the view shown has drawn its tables and charts, marks
// the page's body with what overflows its box: the page itself wider than
// the window (data-page-overflow) and each visible table frame (.scroll)
// wider than its box (data-overflow, a JSON list).

import { until } from "./until.js";

await until(() => document.querySelector("#list-out table"), "the hand-offs list");
const out = [];
for (const el of document.querySelectorAll(".scroll")) {
  if (!el.offsetParent) continue;
  if (el.scrollWidth > el.clientWidth + 1) out.push(`${el.closest("[id]").id}: ${el.scrollWidth} > ${el.clientWidth}`);
}
document.body.dataset.overflow = JSON.stringify(out);
document.body.dataset.pageOverflow = String(document.documentElement.scrollWidth > window.innerWidth);
document.body.dataset.driver = "done";
