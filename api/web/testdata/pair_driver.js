// Test-only: opens the first pair of the hotspots table the way a user
// would, and waits for the pair page's charts. The fake API serves it; it
// is not part of the embedded page.

import { until } from "./until.js";

const link = await until(() => document.querySelector("#hotspots-out a.pair-link"), "a pair in the hotspots table");
link.click();
await until(() => document.querySelector("#pair-out .charts"), "the pair's charts");
document.body.dataset.driver = "done";
