// Edge routing for the service chain: an edge leaves its supplier's node,
// reaches its customer's, and goes around the box of every other node.
// Pure geometry (no DOM), so a test can run it on any layout.
//
// A route is a list of path commands ({op: "M"|"L"|"Q", pts: [...]}) from
// which both the SVG path and the sampled points a test checks are made,
// so what is checked is what is drawn.

// BENDS are the tried curvatures, as a share of the distance between the
// nodes: to the edge's right first (A → B and B → A then stay apart),
// gentlest that clears first, to the left only as a last resort.
const BENDS = [0.18, 0.1, 0.3, 0.05, 0.45, 0, 0.65, 0.9, -0.1, -0.25, -0.45];
const STEP = 3; // sampling step along a path, in user units

// box is the square around a node of radius r centred on p.
export function box(p, r) {
  return { x0: p.x - r, y0: p.y - r, x1: p.x + r, y1: p.y + r };
}

// route returns the edge from p1 to p2 (node centres, both of radius r) as
// {line, head, cmds, points, clear}: line and head are SVG path data (the
// stroke stops under the arrowhead), points samples the stroke and the
// head, and clear tells whether no point comes within width/2 + 2 of one
// of the boxes of obstacles (the other nodes). When no tried shape is
// clear, the one that touches the fewest is returned.
export function route(p1, p2, r, width, obstacles) {
  const pad = width / 2 + 2;
  const d = Math.hypot(p2.x - p1.x, p2.y - p1.y) || 1;
  const n = { x: -(p2.y - p1.y) / d, y: (p2.x - p1.x) / d }; // right of travel (y grows down)
  const mid = { x: (p1.x + p2.x) / 2, y: (p1.y + p2.y) / 2 };
  const tries = BENDS.slice(0, 8).map((k) => [{ x: mid.x + n.x * k * d, y: mid.y + n.y * k * d }]);
  for (const side of [1, -1]) tries.push(detour(p1, p2, obstacles, pad + 2, side, r));
  tries.push(...BENDS.slice(8).map((k) => [{ x: mid.x + n.x * k * d, y: mid.y + n.y * k * d }]));
  let best = null;
  for (const via of tries) {
    if (!via) continue;
    const shape = build(p1, p2, r, width, via);
    const hits = touching(shape.points, obstacles, pad);
    if (hits === 0) return { ...shape, clear: true };
    if (!best || hits < best.hits) best = { ...shape, hits };
  }
  return { line: best.line, head: best.head, cmds: best.cmds, points: best.points, clear: false };
}

// build draws the edge through the via points: one control point makes a
// quadratic curve, more make straight legs with rounded corners.
function build(p1, p2, r, width, via) {
  const first = via[0];
  const last = via[via.length - 1];
  const len = 7 + 1.6 * width; // arrowhead length
  const a = toward(p1, first, r + 1);
  const tip = toward(p2, last, r + 2);
  const base = toward(tip, last, len);
  const end = toward(tip, last, len * 0.8); // under the head, no gap
  const cmds = [{ op: "M", pts: [a] }];
  if (via.length === 1) {
    cmds.push({ op: "Q", pts: [first, end] });
  } else {
    const pts = [a, ...via, end];
    for (let i = 1; i < pts.length - 1; i++) {
      const w = pts[i];
      const rr = Math.min(12, dist(w, pts[i - 1]) / 2, dist(w, pts[i + 1]) / 2);
      cmds.push({ op: "L", pts: [toward(w, pts[i - 1], rr)] }, { op: "Q", pts: [w, toward(w, pts[i + 1], rr)] });
    }
    cmds.push({ op: "L", pts: [end] });
  }
  const ux = (tip.x - base.x) / len;
  const uy = (tip.y - base.y) / len;
  const half = 0.45 * len + 0.2 * width;
  const left = { x: base.x - uy * half, y: base.y + ux * half };
  const right = { x: base.x + uy * half, y: base.y - ux * half };
  const f = (v) => v.toFixed(1);
  const line = cmds.map((c) => c.op + c.pts.map((p) => `${f(p.x)},${f(p.y)}`).join(" ")).join(" ");
  const head = `M${f(tip.x)},${f(tip.y)} L${f(left.x)},${f(left.y)} L${f(right.x)},${f(right.y)} Z`;
  const points = sample(cmds).concat(segment(tip, left), segment(left, right), segment(right, tip));
  return { line, head, cmds, points };
}

// sample returns points along path commands, STEP apart or closer.
export function sample(cmds) {
  const out = [];
  let at = null;
  for (const c of cmds) {
    if (c.op === "M") {
      at = c.pts[0];
      out.push(at);
    } else if (c.op === "L") {
      out.push(...segment(at, c.pts[0]).slice(1));
      at = c.pts[0];
    } else {
      const [q, e] = c.pts;
      const steps = Math.max(2, Math.ceil((dist(at, q) + dist(q, e)) / STEP));
      for (let i = 1; i <= steps; i++) {
        const t = i / steps;
        const u = 1 - t;
        out.push({ x: u * u * at.x + 2 * u * t * q.x + t * t * e.x, y: u * u * at.y + 2 * u * t * q.y + t * t * e.y });
      }
      at = e;
    }
  }
  return out;
}

function segment(p, q) {
  const steps = Math.max(1, Math.ceil(dist(p, q) / STEP));
  const out = [];
  for (let i = 0; i <= steps; i++) out.push({ x: p.x + ((q.x - p.x) * i) / steps, y: p.y + ((q.y - p.y) * i) / steps });
  return out;
}

// touching counts the boxes that a point comes within pad of.
export function touching(points, boxes, pad) {
  let n = 0;
  for (const b of boxes) {
    if (points.some((p) => p.x > b.x0 - pad && p.x < b.x1 + pad && p.y > b.y0 - pad && p.y < b.y1 + pad)) n++;
  }
  return n;
}

// detour returns waypoints from p1 to p2 that pass each box in the way on
// the side away from its centre (on side, 1 right or -1 left, when the
// centre is on the line), or null when it finds none in a few rounds.
function detour(p1, p2, boxes, pad, side, r) {
  const pts = [p1, p2];
  for (let round = 0; round < 2 * boxes.length + 2; round++) {
    let hit = null;
    for (let i = 0; i + 1 < pts.length && !hit; i++) {
      for (const b of boxes) {
        const t = entry(pts[i], pts[i + 1], b, pad, i === 0 ? r : 0, i + 2 === pts.length ? r : 0);
        if (t !== null && (!hit || t < hit.t)) hit = { i, t, b };
      }
    }
    if (!hit) return pts.length > 2 ? pts.slice(1, -1) : null;
    const p = pts[hit.i];
    const q = pts[hit.i + 1];
    const d = dist(p, q) || 1;
    const u = { x: (q.x - p.x) / d, y: (q.y - p.y) / d };
    const c = { x: (hit.b.x0 + hit.b.x1) / 2, y: (hit.b.y0 + hit.b.y1) / 2 };
    const cross = (c.x - p.x) * -u.y + (c.y - p.y) * u.x; // > 0: centre right of travel
    const away = cross > 1e-6 ? -1 : cross < -1e-6 ? 1 : side;
    const nn = { x: -u.y * away, y: u.x * away };
    const h = Math.SQRT2 * ((hit.b.x1 - hit.b.x0) / 2 + pad) + 1;
    const corner = (s) => ({ x: c.x + u.x * s * h + nn.x * h, y: c.y + u.y * s * h + nn.y * h });
    pts.splice(hit.i + 1, 0, corner(-1), corner(1));
    if (pts.length > 2 + 4 * boxes.length) return null;
  }
  return null;
}

// entry is where (0..1) the segment p → q first comes within pad of box b,
// or null; the first trimStart and last trimEnd units (the nodes the
// segment starts or ends in) are not looked at.
function entry(p, q, b, pad, trimStart, trimEnd) {
  const d = dist(p, q);
  if (d <= trimStart + trimEnd) return null;
  const pts = segment(toward(p, q, trimStart), toward(q, p, trimEnd));
  const i = pts.findIndex((v) => v.x > b.x0 - pad && v.x < b.x1 + pad && v.y > b.y0 - pad && v.y < b.y1 + pad);
  return i < 0 ? null : i / pts.length;
}

function dist(p, q) {
  return Math.hypot(q.x - p.x, q.y - p.y);
}

// toward is the point r units from p in the direction of q.
export function toward(p, q, r) {
  const d = Math.hypot(q.x - p.x, q.y - p.y) || 1;
  return { x: p.x + ((q.x - p.x) / d) * r, y: p.y + ((q.y - p.y) / d) * r };
}
