// Test-only: what the drivers share. until polls f until it returns a
// truthy value and returns it; after 200 tries it marks the page's body
// (data-driver) with what it waited for, which the Go test reports.

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function until(f, what) {
  for (let i = 0; i < 200; i++) {
    const v = f();
    if (v) return v;
    await sleep(20);
  }
  document.body.dataset.driver = `timed out waiting for ${what}`;
  throw new Error(what);
}
