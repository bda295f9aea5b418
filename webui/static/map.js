/* The mesh map: a deterministic radial layout drawn as SVG. This node sits
 * in the middle. The nodes of its cloud sit on rings by hop count
 * (breadth-first over layer-2 links); nodes of other clouds (layer 3) sit
 * on rings outside those, by their hops from the cloud; nodes no link
 * reaches go on the outermost ring. Each node gets a slice of the circle
 * as wide as the number of leaves under it in the breadth-first tree, so
 * tree links never cross. Rings are ellipses, taller than wide, to fit a
 * phone held upright. */
import { t } from './i18n.js';
import { svgEl } from './kit.js';

const W = 360;
const H_MAX = 460;
const MX = 48;      // margins that labels need: sides, top, bottom
const MT = 18;
const MB = 38;
const RX = 128;     // half-axes of the outer ring before fitting
const RY = 168;
const NODE_R = 9;

const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
const rad = (deg) => (deg * Math.PI) / 180;

/* Breadth-first from the nodes of queue (already in ring), stepping only
 * into nodes may() allows; ringOf(parent) gives the next ring. */
function bfs(queue, adj, ring, parent, may, ringOf) {
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i];
    for (const nb of adj.get(id)) {
      if (ring.has(nb) || !may(nb)) continue;
      ring.set(nb, ringOf(id));
      parent.set(nb, id);
      queue.push(nb);
    }
  }
}

export function layout(map) {
  const nodes = (map.nodes || []).slice().sort((a, b) => cmp(a.id, b.id));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const adj = new Map(nodes.map((n) => [n.id, []]));
  for (const l of map.links || []) {
    if (byId.has(l.a) && byId.has(l.b) && l.a !== l.b) { adj.get(l.a).push(l.b); adj.get(l.b).push(l.a); }
  }
  for (const v of adj.values()) v.sort(cmp);
  const self = byId.has(map.self) ? map.self : (nodes.find((n) => n.self) || nodes[0] || {}).id;
  const pos = new Map();
  const hops = new Map([[self, 0]]);
  if (self === undefined) return { nodes, byId, pos, hops };
  const isL3 = (id) => byId.get(id).layer === 'l3';

  bfs([self], adj, hops, new Map(), () => true, (p) => hops.get(p) + 1);
  const ring = new Map([[self, 0]]);
  const parent = new Map();
  bfs([self], adj, ring, parent, (id) => !isL3(id), (p) => ring.get(p) + 1);
  const inner = Math.max(...ring.values());
  const cloud = [...ring.keys()];
  bfs(cloud, adj, ring, parent, isL3, (p) => (isL3(p) ? ring.get(p) : inner) + 1);
  const last = Math.max(...ring.values()) + (ring.size < nodes.length ? 1 : 0);
  for (const n of nodes) if (!ring.has(n.id)) { ring.set(n.id, last); parent.set(n.id, self); }

  const kids = new Map(nodes.map((n) => [n.id, []]));
  for (const n of nodes) if (parent.has(n.id)) kids.get(parent.get(n.id)).push(n.id);
  const leaves = new Map();
  const count = (id) => {
    const c = kids.get(id).reduce((s, k) => s + count(k), 0);
    leaves.set(id, Math.max(1, c));
    return leaves.get(id);
  };
  count(self);
  /* Ring 1 at 40 % of the outer ring, so that the middle is not crowded. */
  const radius = (k) => (last <= 1 ? k : 0.4 + (0.6 * (k - 1)) / (last - 1));
  const place = (id, from, to) => {
    const r = radius(ring.get(id));
    const a = (from + to) / 2;
    pos.set(id, { x: RX * r * Math.cos(rad(a)), y: RY * r * Math.sin(rad(a)) });
    let at = from;
    for (const k of kids.get(id)) {
      const span = ((to - from) * leaves.get(k)) / leaves.get(id);
      place(k, at, at + span);
      at += span;
    }
  };
  place(self, -90, 270);
  return { nodes, byId, pos, hops, height: fit(pos) };
}

/* Scales the drawing, the same in x and y and at most 3 times, to fill the
 * width; returns the height it then needs. */
function fit(pos) {
  const xs = [...pos.values()].map((p) => p.x);
  const ys = [...pos.values()].map((p) => p.y);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const sx = x1 > x0 ? (W - 2 * MX) / (x1 - x0) : 3;
  const sy = y1 > y0 ? (H_MAX - MT - MB) / (y1 - y0) : 3;
  const k = Math.min(sx, sy, 3);
  const need = (y1 - y0) * k + MT + MB;
  const height = Math.max(120, need);
  const dx = (W - (x1 - x0) * k) / 2;
  const dy = MT + (height - need) / 2;
  for (const p of pos.values()) { p.x = dx + (p.x - x0) * k; p.y = dy + (p.y - y0) * k; }
  return height;
}

const CHAR_W = 7.4;   // average width of a label character at 13px, semi-bold
const LINE = 15;

const overlaps = (a, b) => a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];

/* Where each node's label goes: below it, else above, right or left,
 * whichever first overlaps no node and no label placed before (this node
 * first, then by hops). */
function placeLabels(L, height) {
  const boxes = [];
  const out = new Map();
  const rOf = (n) => (n.self ? NODE_R + 4 : NODE_R) + (n.gateway ? 5 : 0);
  for (const n of L.nodes) {
    const p = L.pos.get(n.id);
    const r = rOf(n) + 1;
    boxes.push([p.x - r, p.y - r, p.x + r, p.y + r]);
  }
  const order = L.nodes.slice().sort((a, b) => (b.self - a.self) || ((L.hops.get(a.id) ?? 99) - (L.hops.get(b.id) ?? 99)));
  for (const n of order) {
    const p = L.pos.get(n.id);
    const r = rOf(n);
    const w = Math.max((n.name || n.id).length, n.state === 'gone' ? t('map.gone').length : 0) * CHAR_W;
    const lines = n.state === 'gone' ? 2 : 1;
    const hgt = lines * LINE;
    const spots = [
      { x: p.x, y: p.y + r + 13, anchor: 'middle', box: [p.x - w / 2, p.y + r + 2, p.x + w / 2, p.y + r + 2 + hgt] },
      { x: p.x, y: p.y - r - 5 - (lines - 1) * LINE, anchor: 'middle', box: [p.x - w / 2, p.y - r - 2 - hgt, p.x + w / 2, p.y - r - 2] },
      { x: p.x + r + 4, y: p.y + 4, anchor: 'start', box: [p.x + r + 3, p.y - 9, p.x + r + 4 + w, p.y - 9 + hgt] },
      { x: p.x - r - 4, y: p.y + 4, anchor: 'end', box: [p.x - r - 4 - w, p.y - 9, p.x - r - 3, p.y - 9 + hgt] },
    ];
    const own = boxes[L.nodes.indexOf(n)];
    const fits = (s) => s.box[0] >= 0 && s.box[2] <= W && s.box[1] >= 0 && s.box[3] <= height
      && !boxes.some((b) => b !== own && overlaps(b, s.box));
    const spot = spots.find(fits) || spots[0];
    boxes.push(spot.box);
    out.set(n.id, spot);
  }
  return out;
}

function nodeShape(n, p, spot) {
  const r = n.self ? NODE_R + 4 : NODE_R;
  const kids = [];
  if (n.gateway) kids.push(svgEl('circle', { cx: p.x, cy: p.y, r: r + 5, class: 'gw-ring' }));
  if (n.layer === 'l3') kids.push(svgEl('rect', { x: p.x - r, y: p.y - r, width: 2 * r, height: 2 * r, rx: 2, class: 'shape' }));
  else kids.push(svgEl('circle', { cx: p.x, cy: p.y, r, class: 'shape' }));
  const label = svgEl('text', { x: spot.x, y: spot.y, 'text-anchor': spot.anchor, class: n.state === 'gone' ? 'gone' : null }, n.name || n.id);
  if (n.state === 'gone') label.append(svgEl('tspan', { x: spot.x, dy: LINE }, t('map.gone')));
  kids.push(label);
  return kids;
}

function swatch(kind) {
  const s = { viewBox: '0 0 36 20', width: 36, height: 20, 'aria-hidden': 'true', focusable: 'false', class: 'map swatch' };
  const g = {
    self: () => svgEl('g', { class: 'n-self' }, svgEl('circle', { cx: 18, cy: 10, r: 8, class: 'shape' })),
    l2: () => svgEl('g', { class: 'n-l2' }, svgEl('circle', { cx: 18, cy: 10, r: 7, class: 'shape' })),
    l3: () => svgEl('g', { class: 'n-l3' }, svgEl('rect', { x: 11, y: 3, width: 14, height: 14, rx: 2, class: 'shape' })),
    gw: () => svgEl('g', { class: 'n-l2' }, svgEl('circle', { cx: 18, cy: 10, r: 9, class: 'gw-ring' }), svgEl('circle', { cx: 18, cy: 10, r: 5, class: 'shape' })),
    gone: () => svgEl('g', { class: 'n-gone' }, svgEl('circle', { cx: 18, cy: 10, r: 7, class: 'shape' })),
    link: () => svgEl('g', {}, svgEl('line', { x1: 2, y1: 6, x2: 34, y2: 6, class: 'link', 'stroke-width': 1, 'stroke-opacity': 0.45 }),
      svgEl('line', { x1: 2, y1: 14, x2: 34, y2: 14, class: 'link', 'stroke-width': 4 })),
    path: () => svgEl('line', { x1: 2, y1: 10, x2: 34, y2: 10, class: 'path' }),
  }[kind]();
  return svgEl('svg', s, g);
}

function describe(n, L, onPath) {
  const parts = [n.self ? t('map.n.self') : n.layer === 'l3' ? t('map.n.l3') : t('map.n.l2')];
  const hop = L.hops.get(n.id);
  if (!n.self) parts.push(hop === undefined ? t('map.n.unreached') : t('map.n.hops', { n: hop }));
  if (typeof n.clients === 'number') parts.push(t('map.n.clients', { n: n.clients }));
  if (n.ipv4) parts.push(n.ipv4);
  if (n.gateway) parts.push(t('map.n.gw'));
  if (onPath) parts.push(t('map.n.onpath'));
  if (n.state === 'gone') parts.push(t('map.n.gone'));
  return parts.join(', ');
}

/* Returns the map's DOM: figure with the SVG, legend, the way to the
 * Internet in words, and the nodes as a list for screen readers. h is the
 * HTML element builder of app.js. */
export function drawMap(map, h) {
  const L = layout(map || {});
  if (!L.nodes.length) return h('p', { class: 'card empty', testid: 'map-empty', text: t('map.empty') });
  const links = (map.links || []).filter((l) => L.pos.has(l.a) && L.pos.has(l.b) && l.a !== l.b);
  const path = (map.path || []).filter((id) => L.pos.has(id));
  const onPath = new Set(path);
  const label = t('map.aria', { nodes: L.nodes.length, links: links.length });
  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${Math.round(L.height)}`, class: 'map', role: 'img', 'aria-label': label, 'data-testid': 'map-svg' },
    svgEl('title', {}, label));
  for (const l of links) {
    const a = L.pos.get(l.a);
    const b = L.pos.get(l.b);
    const q = Math.max(0, Math.min(255, typeof l.tq === 'number' ? l.tq : 128)) / 255;
    const gone = L.byId.get(l.a).state === 'gone' || L.byId.get(l.b).state === 'gone';
    svg.append(svgEl('line', { x1: a.x, y1: a.y, x2: b.x, y2: b.y, 'data-testid': 'map-link',
      class: 'link' + (l.layer === 'l3' ? ' l3' : '') + (gone ? ' gone' : ''),
      'stroke-width': (1 + 3 * q).toFixed(1), 'stroke-opacity': (0.35 + 0.65 * q).toFixed(2) }));
  }
  if (path.length > 1) {
    svg.append(svgEl('polyline', { class: 'path', 'data-testid': 'map-path',
      points: path.map((id) => { const p = L.pos.get(id); return p.x.toFixed(1) + ',' + p.y.toFixed(1); }).join(' ') }));
  }
  const spots = placeLabels(L, L.height);
  for (const n of L.nodes) {
    const kind = n.state === 'gone' ? 'n-gone' : n.self ? 'n-self' : n.layer === 'l3' ? 'n-l3' : 'n-l2';
    svg.append(svgEl('g', { class: 'node ' + kind + (onPath.has(n.id) && !n.self ? ' on-path' : ''),
      'data-testid': 'map-node', 'data-id': n.id, 'data-state': n.state || 'up' }, nodeShape(n, L.pos.get(n.id), spots.get(n.id))));
  }
  const names = path.map((id) => L.byId.get(id).name || id);
  const legend = [['self', 'lg.self'], ['l2', 'lg.l2'], ['l3', 'lg.l3'], ['gw', 'lg.gw'], ['gone', 'lg.gone'], ['link', 'lg.link'], ['path', 'lg.path']];
  return h('div', {},
    h('figure', { class: 'card map-card' }, svg,
      h('figcaption', { testid: 'map-path-text', class: 'sentence',
        text: names.length > 1 ? t('map.path', { path: names.join(' → ') }) : t('map.nopath') })),
    h('section', { class: 'card', 'aria-labelledby': 'map-legend-h' },
      h('h2', { id: 'map-legend-h', text: t('map.legend') }),
      h('ul', { class: 'legend', testid: 'map-legend' }, legend.map(([k, s]) => h('li', {}, swatch(k), h('span', { text: t(s) }))))),
    h('section', { class: 'card', 'aria-labelledby': 'map-list-h' },
      h('h2', { id: 'map-list-h', text: t('map.list') }),
      h('ul', { class: 'node-list', testid: 'map-list' },
        L.nodes.slice().sort((a, b) => (L.hops.get(a.id) ?? 99) - (L.hops.get(b.id) ?? 99) || cmp(a.name || a.id, b.name || b.id))
          .map((n) => h('li', { 'data-id': n.id },
            h('strong', { text: (n.name || n.id) + (n.state === 'gone' ? ' ' + t('map.gone') : '') }),
            ' — ' + describe(n, L, onPath.has(n.id)))))));
}
