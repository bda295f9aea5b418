/* softmesh web interface: one page, hash routes, plain ES module, no build
 * step. The API it reads and writes is doc/webui.md. Every visible string
 * comes from i18n.js. No inline style or script anywhere (the CSP forbids
 * them): sizes that depend on data are set through element.style.
 *
 * Modules: kit.js (elements, formats, API, login), i18n.js (strings),
 * loaded on demand: map.js (Map screen), forms.js (Settings, setup wizard).
 *
 * Test hooks (data-testid), used by tests/webui/ui.mjs:
 *   nav-home nav-neighbours nav-map nav-gateways nav-clients nav-settings
 *                          bottom navigation links (aria-current="page" on the current one)
 *   lang-switch            language <select> in the header
 *   header-node            node name in the header
 *   conn-error             banner shown while the node cannot be reached
 *   screen-title           the <h1> of the screen; data-screen on <main> names the screen
 *   loading                placeholder until a screen's data has arrived
 *   help-button help-text  every "?" button and the paragraph it opens
 *   home-internet (data-ok="true|false"), home-warning, home-clients,
 *   home-cloud-clients, home-neighbours, home-nodes, home-l3-nodes,
 *   home-uptime, home-version, home-ipv4, home-speed
 *   neighbour-card (data-name), neighbour-quality, neighbour-bar, neighbour-sentence, neighbours-empty
 *   map-svg, map-node (data-id, data-state), map-link, map-path (the highlighted
 *   way to the gateway), map-path-text, map-legend, map-list, map-empty
 *   gateway-preference, gateway-auto, gateway-msg, gateway-error, gateway-offer,
 *   gateway-card (data-name, data-selected), gateway-selected (badge),
 *   gateway-use (button in a card, data-name), gateways-empty
 *   clients-filter, clients-summary, client-row (data-here), clients-empty, clients-nomatch
 *   settings-form, settings-hostname, settings-ssid, settings-gateway,
 *   settings-bandwidth, settings-preferred, settings-password, settings-password2,
 *   settings-save, settings-error, settings-ok, settings-logout
 *   login-form, login-password, login-submit, login-error, login-cancel (dialog only), login-dialog
 *   setup-step (data-step), setup-hostname, setup-ssid, setup-password,
 *   setup-password2, setup-next, setup-back, setup-finish, setup-error
 */
import { t, setLang, getLang, pickLang, LANGS } from './i18n.js';
import { state, hooks, h, icon, known, num, pct, rate, duration, secondsAgo, quality, helpPair, stat, card,
  authPost, load, recoverSession } from './kit.js';

/* ---------- screens ---------- */

function buildHome(v) {
  return (d) => {
    const s = d.status;
    const node = s.node || {};
    v.title.textContent = node.hostname || t('unknown');
    v.intro.textContent = t('home.community', { cloud: node.cloud || t('unknown') });
    v.body.replaceChildren(...[internetCard(s.internet || {}), warnCard(s.daemons || {}),
      networkCard(s.counts || {}), nodeCard(node)].filter(Boolean));
  };
}

function internetCard(i) {
  const ok = !!i.ok;
  let text = t('home.internet.none');
  if (ok && i.self) text = t('home.internet.self');
  else if (ok) text = t('home.internet.via', { gw: i.gateway || t('unknown') });
  const [b, p] = helpPair('internet', 'inet', 'inet-title');
  return h('section', { class: 'card hero ' + (ok ? 'is-ok' : 'is-bad'), 'aria-labelledby': 'inet-title' },
    h('div', { class: 'hero-row' }, icon(ok ? 'ok' : 'bad'),
      h('h2', { id: 'inet-title', testid: 'home-internet', 'data-ok': String(ok), text }), b),
    p,
    ok && known(i.down_kbit) && stat(t('home.speed'), t('speed.v', { down: rate(i.down_kbit), up: rate(i.up_kbit) }),
      'speed', 'home-speed', 'home-speed', true),
    ok && i.why && h('p', { class: 'small', text: t('home.why', { why: i.why }) }),
    !ok && h('p', { class: 'small', text: t('home.internet.none.more') }));
}

function warnCard(daemons) {
  const down = Object.keys(daemons).filter((n) => daemons[n] && daemons[n].running === false && !daemons[n].off).sort();
  if (!down.length) return null;
  const what = (n) => { const k = 'daemon.' + n; const s = t(k); return s === k ? n : s; };
  return h('div', { class: 'card warn', testid: 'home-warning' },
    h('div', { class: 'hero-row' }, icon('warn'),
      h('div', {}, h('p', {}, h('strong', { text: t('home.warn.title') })),
        h('ul', { class: 'warn-list' }, down.map((n) => h('li', { text: t('home.warn', { what: what(n) }) }))))));
}

function networkCard(c) {
  return card(t('home.net.title'), 'net',
    h('div', { class: 'stats' },
      stat(t('home.clients'), num(c.clients), 'clients', 'home-clients', 'home-clients'),
      stat(t('home.cloud_clients'), num(c.cloud_clients), 'cloud_clients', 'home-cloud-clients', 'home-cloud-clients'),
      stat(t('home.neighbours'), num(c.neighbours), 'neighbours', 'home-neighbours', 'home-neighbours'),
      stat(t('home.nodes'), num(c.nodes), 'nodes', 'home-nodes', 'home-nodes'),
      stat(t('home.l3_nodes'), num(c.l3_nodes), 'l3_nodes', 'home-l3-nodes', 'home-l3-nodes')));
}

function nodeCard(n) {
  return card(t('home.node.title'), 'node',
    h('div', { class: 'stats' },
      stat(t('home.uptime'), duration(n.uptime_s), 'uptime', 'home-uptime', 'home-uptime'),
      stat(t('home.version'), n.version || t('unknown'), 'version', 'home-version', 'home-version'),
      stat(t('home.ipv4'), n.ipv4 || t('unknown'), 'ipv4', 'home-ipv4', 'home-ipv4'),
      stat(t('home.ipv6'), n.ipv6 || t('unknown'), 'ipv6', 'home-ipv6', null, true),
      stat(t('home.mac'), n.mac || t('unknown'), 'mac', 'home-mac', null, true)),
    n.domain && h('p', { class: 'small', text: t('home.open', { domain: n.domain }) }));
}

function buildNeighbours(v) {
  return (d) => {
    const rows = (d.neighbours && d.neighbours.neighbours) || [];
    if (!rows.length) {
      v.body.replaceChildren(h('p', { class: 'card empty', testid: 'neighbours-empty', text: t('nb.empty') }));
      return;
    }
    v.body.replaceChildren(h('ul', { class: 'cards' }, rows.map(neighbourCard)));
  };
}

function neighbourCard(n, i) {
  const p = known(n.tq_pct) ? n.tq_pct : Math.round(((n.tq || 0) * 100) / 255);
  const q = quality(p);
  const fill = h('span', { class: 'fill q-' + q });
  fill.style.width = Math.max(0, Math.min(100, p)) + '%';
  const uid = 'nb' + i;
  return h('li', { class: 'card', testid: 'neighbour-card', 'data-name': n.name, 'aria-labelledby': 'h-' + uid },
    h('div', { class: 'card-head' },
      h('h2', { id: 'h-' + uid, text: n.name || n.mac }),
      h('span', { class: 'badge q-' + q, text: t('q.' + q) })),
    stat(t('nb.quality'), pct(p), 'tq', uid + '-tq', 'neighbour-quality'),
    h('div', { class: 'bar', 'aria-hidden': 'true', testid: 'neighbour-bar' }, fill),
    h('p', { class: 'sentence', testid: 'neighbour-sentence', text: t('nb.arrive', { pct: Math.round(p) }) }),
    n.l3 && h('div', { class: 'sub-block' },
      h('h3', { text: t('nb.l3.title') }),
      h('div', { class: 'stats' },
        stat(t('nb.rq'), pct(n.l3.rq_pct), 'rq', uid + '-rq'),
        stat(t('nb.tq'), pct(n.l3.tq_pct), 'l3tq', uid + '-l3tq'),
        stat(t('nb.rate'), rate(n.l3.rate_kbit), 'rate', uid + '-rate'))),
    h('div', { class: 'stats' }, stat(t('nb.seen'), t('ago', { t: secondsAgo(n.last_seen_ms) }), 'seen', uid + '-seen')),
    h('p', { class: 'small mono', text: [n.ifname && t('nb.via', { ifname: n.ifname }), n.name !== n.mac && n.mac].filter(Boolean).join(' · ') }));
}

async function buildMap(v) {
  const { drawMap } = await import('./map.js');
  const [b, p] = helpPair('map', 'map', 'map-intro');
  v.intro.id = 'map-intro';
  const row = h('div', { class: 'intro-row' });
  v.intro.replaceWith(row, p);
  row.append(v.intro, b);
  return (d) => v.body.replaceChildren(drawMap(d.map, h));
}

function buildGateways(v) {
  const msg = h('p', { class: 'msg ok', role: 'status', testid: 'gateway-msg' });
  const err = h('p', { class: 'msg err', role: 'alert', testid: 'gateway-error' });
  const pref = h('div');
  const list = h('div');
  const offer = h('p', { class: 'small', testid: 'gateway-offer' });
  v.body.replaceWith(h('div', {}, pref, msg, err, list, offer));
  v.body = list;

  async function choose(choice, btn) {
    msg.textContent = '';
    err.textContent = '';
    btn.disabled = true;
    const r = await authPost('/api/gateway', { choice });
    btn.disabled = false;
    if (!r) return;
    if (r.ok) {
      await refresh(['gateways', 'status', 'map'], true);
      msg.textContent = (choice === 'auto' ? t('gw.done.auto') : t('gw.done.name', { name: choice }))
        + (r.body.warning ? ' ' + r.body.warning : '');
    } else {
      err.textContent = r.body.error || t('error.http', { code: r.status });
    }
  }

  return (d) => {
    const g = d.gateways || {};
    const choice = g.preference || 'auto';
    const [hb, hp] = helpPair('pref', 'gw-pref', 'gw-pref-k');
    const src = t('gw.src.' + g.preference_source);
    const auto = h('button', { type: 'button', class: 'btn' + (choice === 'auto' ? '' : ' primary'), id: 'gw-auto',
      testid: 'gateway-auto', text: t('gw.auto'), onclick: (e) => choose('auto', e.currentTarget) });
    pref.replaceChildren(h('section', { class: 'card', 'aria-labelledby': 'gw-pref-k' },
      h('div', { class: 'stat-row' },
        h('h2', { id: 'gw-pref-k', class: 'k', testid: 'gateway-preference',
          text: t('gw.pref', { p: choice === 'auto' ? t('gw.pref.auto') : choice }) }), hb),
      hp,
      g.preference_source && !src.startsWith('gw.src.') && h('p', { class: 'small', text: src }),
      h('div', { class: 'actions start' }, auto)));
    const rows = (g.gateways || []).slice().sort((a, b) => (a.rank ?? 1e9) - (b.rank ?? 1e9));
    list.replaceChildren(rows.length
      ? h('ul', { class: 'cards' }, rows.map((r, i) => gatewayCard(r, i, choice, choose)))
      : h('p', { class: 'card empty', testid: 'gateways-empty', text: t('gw.empty') }));
    offer.textContent = offerText(g.offer || {});
  };
}

function offerText(o) {
  if (o.state === 'on' || o.state === 'offered') return t('gw.offer.on', { down: rate(o.down_kbit), up: rate(o.up_kbit) });
  if (o.state === 'withdrawn') return t('gw.offer.withdrawn');
  return t('gw.offer.off');
}

function gatewayCard(g, i, choice, choose) {
  const uid = 'gw' + i;
  const mine = choice !== 'auto' && (choice === g.name || choice === g.id);
  return h('li', { class: 'card' + (g.selected ? ' selected' : ''), testid: 'gateway-card', 'data-name': g.name,
    'data-selected': String(!!g.selected), 'aria-labelledby': 'h-' + uid },
  h('div', { class: 'card-head' },
    h('h2', { id: 'h-' + uid, text: g.self ? t('gw.self', { name: g.name }) : g.name }),
    g.selected && h('span', { class: 'badge q-good', testid: 'gateway-selected', text: t('gw.selected') }),
    mine && h('span', { class: 'badge', text: t('gw.mine') })),
  g.selected && g.why && h('p', { class: 'sentence', text: t('gw.why', { why: g.why }) }),
  h('div', { class: 'stats' },
    stat(t('gw.bw'), t('speed.v', { down: rate(g.down_kbit), up: rate(g.up_kbit) }), 'gw_bw', uid + '-bw', null, true),
    stat(t('gw.path'), rate(g.path_kbit), 'path', uid + '-path'),
    known(g.hops) && stat(t('gw.hops'), num(g.hops), 'hops', uid + '-hops'),
    stat(t('gw.score'), num(g.score), 'score', uid + '-score'),
    stat(t('gw.rank'), num(g.rank), 'rank', uid + '-rank')),
  g.family && h('p', { class: 'small', text: t('gw.family', { f: g.family === 'ipv6' ? 'IPv6' : 'IPv4' }) }),
  h('div', { class: 'actions start' },
    h('button', { type: 'button', class: 'btn', id: uid + '-use', testid: 'gateway-use', 'data-name': g.name,
      disabled: mine, text: mine ? t('gw.mine') : t('gw.use'),
      onclick: (e) => choose(g.name, e.currentTarget) })));
}

function buildClients(v) {
  const fid = 'clients-filter';
  const input = h('input', { type: 'search', id: fid, testid: 'clients-filter', autocomplete: 'off',
    value: state.filter, oninput: () => { state.filter = input.value; paint(); } });
  const summary = h('p', { testid: 'clients-summary' });
  const [b, p] = helpPair('lease', 'lease', 'clients-summary');
  summary.id = 'clients-summary';
  v.body.before(h('div', { class: 'field' }, h('label', { for: fid, text: t('cl.filter') }), input),
    h('div', { class: 'stat-row' }, summary, b), p);
  return (d) => {
    const rows = ((d.clients && d.clients.clients) || []).slice()
      .sort((a, b) => (b.here - a.here) || String(a.hostname || '~').localeCompare(String(b.hostname || '~')));
    const here = rows.filter((c) => c.here).length;
    summary.textContent = t('cl.summary', { total: rows.length, here });
    const q = state.filter.trim().toLowerCase();
    const shown = rows.filter((c) => !q || [c.hostname, c.ip, c.node, c.mac].some((x) => String(x || '').toLowerCase().includes(q)));
    if (!rows.length) v.body.replaceChildren(h('p', { class: 'card empty', testid: 'clients-empty', text: t('cl.empty') }));
    else if (!shown.length) v.body.replaceChildren(h('p', { class: 'card empty', testid: 'clients-nomatch', text: t('cl.nomatch', { q: state.filter }) }));
    else v.body.replaceChildren(h('ul', { class: 'card rows' }, shown.map(clientRow)));
  };
}

function clientRow(c) {
  return h('li', { class: 'row', testid: 'client-row', 'data-here': String(!!c.here) },
    h('div', { class: 'row-head' },
      h('span', { class: c.hostname ? 'name' : 'name unnamed', text: c.hostname || t('cl.unnamed') }),
      c.here && h('span', { class: 'badge q-good', text: t('cl.here') })),
    h('div', {}, h('span', { class: 'mono', text: c.ip || '' }), ' · ', t('cl.on', { node: c.node || t('unknown') })),
    h('div', { class: 'small' }, h('span', { class: 'mono', text: c.mac || '' }),
      known(c.expires_s) && ' · ' + t('cl.expires', { t: duration(c.expires_s, 1) })));
}

/* ---------- routing and painting ---------- */

const lazyForms = (name) => async (v) => (await import('./forms.js'))[name](v);

const SCREENS = {
  '/': { name: 'home', title: 'nav.home', reads: ['status'], build: buildHome },
  '/neighbours': { name: 'neighbours', title: 'nav.neighbours', intro: 'nb.intro', reads: ['status', 'neighbours'], build: buildNeighbours },
  '/map': { name: 'map', title: 'nav.map', intro: 'map.intro', reads: ['status', 'map'], build: buildMap },
  '/gateways': { name: 'gateways', title: 'nav.gateways', intro: 'gw.intro', reads: ['status', 'gateways'], build: buildGateways },
  '/clients': { name: 'clients', title: 'nav.clients', intro: 'cl.intro', reads: ['status', 'clients'], build: buildClients },
  '/settings': { name: 'settings', title: 'nav.settings', reads: ['status', 'settings', 'gateways'], build: lazyForms('buildSettings') },
  '/setup': { name: 'setup', title: 'setup.title', intro: 'setup.intro', reads: ['status'], build: lazyForms('buildSetup') },
};

let cur = null;   // { def, title, update }

async function route(ev) {
  const path = location.hash.replace(/^#/, '') || '/';
  const def = SCREENS[path] || SCREENS['/'];
  const s = state.data.status;
  if (s && s.first_run && def.name !== 'setup') { location.replace('#/setup'); return; }
  if (s && !s.first_run && def.name === 'setup') { location.replace('#/'); return; }
  await mount(def);
  if (ev && cur && cur.def === def) cur.title.focus();
  refresh(def.reads, true);
}

async function mount(def) {
  const main = document.getElementById('main');
  const title = h('h1', { tabindex: '-1', testid: 'screen-title', text: t(def.title) });
  const intro = h('p', { class: 'intro', text: def.intro ? t(def.intro) : '' });
  const body = h('div', { class: 'body' }, h('p', { class: 'loading', testid: 'loading', text: t('loading') }));
  const me = { def, title };
  cur = me;
  main.dataset.screen = def.name;
  main.replaceChildren(title, intro, body);
  document.body.classList.toggle('wizard', def.name === 'setup');
  const href = '#' + Object.keys(SCREENS).find((k) => SCREENS[k] === def);
  for (const a of document.querySelectorAll('nav a')) {
    if (a.getAttribute('href') === href) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  renderHeader();
  const update = await def.build({ title, intro, body });
  if (cur !== me) return;      // another screen was opened meanwhile
  me.update = update;
  paint();
}

/* Redraws the current screen from state.data, keeping focus on the element
 * of the same id when the redraw replaced it. */
function paint() {
  if (!cur || !cur.update || !cur.def.reads.every((n) => state.data[n])) return;
  const id = document.activeElement && document.activeElement.id;
  cur.update(state.data);
  if (id && !document.activeElement?.id) document.getElementById(id)?.focus();
}

async function refresh(names, force) {
  const changed = await load(names);
  const s = state.data.status;
  if (s && s.first_run && cur && cur.def.name !== 'setup') { location.replace('#/setup'); return; }
  if (force || (cur && changed.some((n) => cur.def.reads.includes(n)))) paint();
}

function renderHeader() {
  const node = (state.data.status && state.data.status.node) || {};
  document.getElementById('hdr-node').textContent = node.hostname || '';
  document.title = (cur ? t(cur.def.title) + ' · ' : '') + (node.hostname || t('app.name'));
}

Object.assign(hooks, { refresh, paint, header: renderHeader });

/* ---------- language ---------- */

async function applyLang(l) {
  await setLang(l);
  document.documentElement.lang = getLang();
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t(el.dataset.i18nLabel));
  const sel = document.getElementById('lang');
  sel.replaceChildren(...LANGS.map((x) => h('option', { value: x, lang: x, text: t('lang.' + x) })));
  sel.value = getLang();
}

function savedLang() {
  try { return localStorage.getItem('softmesh.lang'); } catch { return null; }
}

/* ---------- live updates ---------- */

const pending = new Set();
let flushTimer = 0;

function listen() {
  if (!window.EventSource) return;
  const es = new EventSource('/api/events');
  es.addEventListener('update', (ev) => {
    let what = [];
    try { what = JSON.parse(ev.data).what || []; } catch { return; }
    for (const n of what) pending.add(n);
    if (!flushTimer) flushTimer = setTimeout(flush, 300);
  });
  /* EventSource retries by itself, except after a refusal (not 200). */
  es.addEventListener('error', () => {
    if (es.readyState === EventSource.CLOSED) setTimeout(listen, 10000);
  });
}

function flush() {
  flushTimer = 0;
  const names = cur ? [...pending].filter((n) => cur.def.reads.includes(n)) : [];
  pending.clear();
  if (names.length) refresh(names);
}

/* ---------- start ---------- */

async function start() {
  await applyLang(pickLang(savedLang(), navigator.languages || [navigator.language]));
  document.getElementById('lang').addEventListener('change', async (e) => {
    try { localStorage.setItem('softmesh.lang', e.target.value); } catch { /* private mode */ }
    await applyLang(e.target.value);
    if (cur) mount(cur.def);
  });
  window.addEventListener('hashchange', route);
  await recoverSession();
  await load(['status']);
  await route();
  listen();
  setInterval(() => { if (cur && !document.hidden) refresh(cur.def.reads); }, 10000);
}

start();
