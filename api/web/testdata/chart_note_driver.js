// Test-only: draws a CSAT chart with no value (every bucket's ratings
// hidden) at the window's width, and marks the page's body with whether
// the chart's note saying so lies inside the chart (data-note-inside).

import { until } from "./until.js";
import { lineChart } from "/assets/charts.js";
import { t } from "/assets/i18n.js";

await until(() => !document.getElementById("whoami").hidden, "the sign-in");
const buckets = [0, 1, 2, 3, 4].map((i) => ({ from: `2026-11-0${2 + i}`, to: `2026-11-0${3 + i}` }));
const text = t("chart.noRatings");
const fig = lineChart(buckets, {
  id: "csat", title: t("chart.csat"), unit: t("chart.csatUnit"), xunit: t("chart.week"), max: 1, fmt: String, empty: text,
  series: [{ name: t("fig.csat"), colour: "#009E73", value: () => null }],
});
document.getElementById("main").append(fig);
const note = [...fig.querySelectorAll("*")].find((e) => e.children.length === 0 && e.textContent === text);
const box = fig.getBoundingClientRect();
const r = note.getBoundingClientRect();
document.body.dataset.note = `${Math.round(r.left)}-${Math.round(r.right)} in ${Math.round(box.left)}-${Math.round(box.right)}`;
document.body.dataset.noteInside = String(r.left >= box.left && r.right <= box.right);
document.body.dataset.driver = "done";
