// Test-only: the member opens legal's scorecard from its address, then the
// bare #/scorecard (the tab's link), and marks the page's body with the
// department each showed and the address after the second.

import { until } from "./until.js";

await until(() => document.querySelector("#hotspots-out table"), "the hotspots");
location.hash = "#/scorecard/legal";
await until(() => document.querySelector("#scorecard-out .sides h2")?.textContent.includes("Legal"), "legal's scorecard");
document.body.dataset.first = document.getElementById("scorecard-dept").value;
document.querySelector('.tabs a[data-view="scorecard"]').click();
await until(() => document.querySelector("#scorecard-out .sides h2")?.textContent.includes("Finance"), "the member's own scorecard");
document.body.dataset.second = document.getElementById("scorecard-dept").value;
document.body.dataset.address = location.hash;
document.body.dataset.driver = "done";
