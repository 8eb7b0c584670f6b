/**
 * The subjects a simulated model paints, as signed distance functions in pixels (negative
 * inside): an exact distance makes the anti-aliased coverage of an edge pixel come out right
 * without supersampling, and a ring or a star gives key-out code holes and thin points to get
 * wrong. Formulas after Inigo Quilez's 2D distance functions.
 */
export const SUBJECT_KINDS = ['disc', 'roundedSquare', 'star', 'ellipse', 'ring'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

/** Where a subject is and how big: `r` is about half its extent. */
export interface Placement {
  cx: number;
  cy: number;
  r: number;
  /** Rotation in radians (square, star, ellipse). */
  turn: number;
}

export type Distance = (x: number, y: number) => number;

function rotated(p: Placement, x: number, y: number): [number, number] {
  const c = Math.cos(p.turn);
  const s = Math.sin(p.turn);
  const dx = x - p.cx;
  const dy = y - p.cy;
  return [c * dx + s * dy, -s * dx + c * dy];
}

function disc(p: Placement): Distance {
  return (x, y) => Math.hypot(x - p.cx, y - p.cy) - p.r;
}

function ring(p: Placement): Distance {
  const middle = p.r * 0.72;
  const half = p.r * 0.28;
  return (x, y) => Math.abs(Math.hypot(x - p.cx, y - p.cy) - middle) - half;
}

function roundedSquare(p: Placement): Distance {
  const corner = p.r * 0.3;
  const half = p.r * 0.85 - corner;
  return (x, y) => {
    const [u, v] = rotated(p, x, y);
    const qx = Math.abs(u) - half;
    const qy = Math.abs(v) - half;
    return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - corner;
  };
}

/** An ellipse's distance, approximated (exact enough within a pixel of the edge, where it matters). */
function ellipse(p: Placement): Distance {
  const a = p.r;
  const b = p.r * 0.62;
  return (x, y) => {
    const [u, v] = rotated(p, x, y);
    const k0 = Math.hypot(u / a, v / b);
    const k1 = Math.hypot(u / (a * a), v / (b * b));
    return k1 === 0 ? -b : (k0 * (k0 - 1)) / k1;
  };
}

/** A five-pointed star (iq's sdStar5, inner ratio 0.5). */
function star(p: Placement): Distance {
  const r = p.r;
  const rf = 0.5;
  const k1x = 0.809016994375;
  const k1y = -0.587785252292;
  const k2x = -k1x;
  const k2y = k1y;
  return (x, y) => {
    let [px, py] = rotated(p, x, y);
    py = -py;
    px = Math.abs(px);
    let d = Math.max(k1x * px + k1y * py, 0) * 2;
    px -= d * k1x;
    py -= d * k1y;
    d = Math.max(k2x * px + k2y * py, 0) * 2;
    px -= d * k2x;
    py -= d * k2y;
    px = Math.abs(px);
    py -= r;
    const bax = -k1y * rf * r;
    const bay = k1x * rf * r - r;
    const h = Math.max(0, Math.min(1, (px * bax + py * bay) / (bax * bax + bay * bay)));
    const ex = px - bax * h;
    const ey = py - bay * h;
    return Math.hypot(ex, ey) * Math.sign(py * bax - px * bay);
  };
}

export function distanceTo(kind: SubjectKind, placement: Placement): Distance {
  switch (kind) {
    case 'disc':
      return disc(placement);
    case 'ring':
      return ring(placement);
    case 'roundedSquare':
      return roundedSquare(placement);
    case 'ellipse':
      return ellipse(placement);
    case 'star':
      return star(placement);
  }
}

/** Words in a prompt that name a subject kind, so a test can ask for a ring (a hole) by saying so. */
const KIND_WORDS: readonly [SubjectKind, RegExp][] = [
  ['ring', /\b(?:ring|donut|doughnut|torus|hoop)s?\b/i],
  ['star', /\bstars?\b/i],
  ['roundedSquare', /\b(?:square|box|cube|tile|app icon)s?\b/i],
  ['ellipse', /\b(?:ellipse|oval|egg|blob|pebble)s?\b/i],
  ['disc', /\b(?:disc|disk|circle|ball|sphere|coin|moon|sun)s?\b/i],
];

export function kindNamedIn(prompt: string): SubjectKind | undefined {
  return KIND_WORDS.find(([, words]) => words.test(prompt))?.[0];
}
