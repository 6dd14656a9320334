// Test-only: opens the scorecard of finance and waits for its pairs and
// recognitions. The fake API serves it; it is not part of the embedded page.

import { until } from "./until.js";

await until(() => document.querySelector("#hotspots-out table"), "the hotspots");
location.hash = "#/scorecard/finance";
await until(() => document.querySelector("#scorecard-recs") && document.querySelector("#scorecard-out table.pairs"), "the scorecard of finance");
document.body.dataset.driver = "done";
