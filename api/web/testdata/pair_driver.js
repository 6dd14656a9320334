// Test-only: opens the first pair of the hotspots table the way a user
// would, and waits for the pair page's charts. The fake API serves it; it
// is not part of the embedded page.

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(f, what) {
  for (let i = 0; i < 200; i++) {
    const v = f();
    if (v) return v;
    await sleep(20);
  }
  document.body.dataset.driver = `timed out waiting for ${what}`;
  throw new Error(what);
}

const link = await until(() => document.querySelector("#hotspots-out a.pair-link"), "a pair in the hotspots table");
link.click();
await until(() => document.querySelector("#pair-out .charts"), "the pair's charts");
document.body.dataset.driver = "done";
