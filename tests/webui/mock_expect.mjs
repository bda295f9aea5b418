/* What the mock (mock_server.py) serves, checked exactly. Kept apart from
 * ui.mjs so that its generic checks run unchanged against a real webuid. */
import { S } from './ui.mjs';

const tid = (id) => `[data-testid="${id}"]`;
const text = async (page, id) => (await page.locator(tid(id)).first().innerText()).trim();
const count = (page, sel) => page.locator(sel).count();

export const screens = {
  async home(page, r) {
    r.check('mock home: Internet through LiMe-000105', await text(page, 'home-internet') === 'Internet: yes, through LiMe-000105');
    r.check('mock home: data-ok is true', await page.locator(tid('home-internet')).getAttribute('data-ok') === 'true');
    r.check('mock home: 2 devices here, 5 in the community',
      await text(page, 'home-clients') === '2' && await text(page, 'home-cloud-clients') === '5');
    r.check('mock home: 2 neighbours, 5 nodes, 7 in all networks', await text(page, 'home-neighbours') === '2'
      && await text(page, 'home-nodes') === '5' && await text(page, 'home-l3-nodes') === '7');
    const up = await text(page, 'home-uptime');
    r.check('mock home: uptime in words', up === '2 hours 5 minutes', up);
    r.check('mock home: version 0.1.0', await text(page, 'home-version') === '0.1.0');
    r.check('mock home: header names the node', await text(page, 'header-node') === 'LiMe-000101');
    r.check('mock home: no daemon warning', await count(page, tid('home-warning')) === 0);
  },
  async neighbours(page, r) {
    const cards = page.locator(tid('neighbour-card'));
    r.check('mock neighbours: 2 cards', await cards.count() === 2);
    const c1 = page.locator(`${tid('neighbour-card')}[data-name="LiMe-000102"]`);
    const s1 = (await c1.locator(tid('neighbour-sentence')).innerText()).trim();
    r.check('mock neighbours: "About 94 % of packets arrive."', s1 === S('en', 'nb.arrive', { pct: 94 }), s1);
    const t1 = await c1.innerText();
    r.check('mock neighbours: layer-3 link 100 % / 98 % at 54 Mbit/s', t1.includes('100 %') && t1.includes('98 %') && t1.includes('54 Mbit/s'), t1.replace(/\n/g, ' '));
    const bar = await c1.locator(`${tid('neighbour-bar')} .fill`).evaluate((e) => e.style.width);
    r.check('mock neighbours: bar at 94 %', bar === '94%', bar);
    const c2 = page.locator(`${tid('neighbour-card')}[data-name="LiMe-000103"]`);
    r.check('mock neighbours: LiMe-000103 weak, no layer-3 block',
      (await c2.innerText()).includes('Weak') && !(await c2.innerText()).includes(S('en', 'nb.l3.title')));
  },
  async map(page, r) {
    r.check('mock map: 7 nodes drawn', await count(page, tid('map-node')) === 7);
    r.check('mock map: 8 links drawn', await count(page, tid('map-link')) === 8);
    const gone = page.locator(`${tid('map-node')}[data-state="gone"]`);
    r.check('mock map: n8 drawn gone with "(gone)"', await gone.count() === 1
      && await gone.getAttribute('data-id') === 'l3:4c2a77e1' && (await gone.textContent()).includes('(gone)'));
    const pts = (await page.locator(tid('map-path')).getAttribute('points') || '').trim().split(/\s+/);
    r.check('mock map: the path to the gateway has 3 hops', pts.length === 3, pts.join(' '));
    const way = await text(page, 'map-path-text');
    r.check('mock map: path in words', way === 'Way to the Internet: LiMe-000101 → LiMe-000102 → LiMe-000105', way);
    r.check('mock map: 7 nodes in the text list', await count(page, `${tid('map-list')} li`) === 7);
    const label = await page.locator(tid('map-svg')).getAttribute('aria-label');
    r.check('mock map: svg labelled', label === 'Map of the mesh: 7 nodes, 8 links.', label);
    const inside = await page.locator(tid('map-svg')).evaluate((svg) => {
      const vb = svg.viewBox.baseVal;
      return [...svg.querySelectorAll('text')].every((t) => { const b = t.getBBox(); return b.x >= vb.x && b.y >= vb.y && b.x + b.width <= vb.x + vb.width && b.y + b.height <= vb.y + vb.height; });
    });
    r.check('mock map: every label inside the drawing', inside);
  },
  async gateways(page, r) {
    r.check('mock gateways: 2 cards', await count(page, tid('gateway-card')) === 2);
    const sel = page.locator(`${tid('gateway-card')}[data-selected="true"]`);
    r.check('mock gateways: LiMe-000105 in use, with why', await sel.getAttribute('data-name') === 'LiMe-000105'
      && (await sel.innerText()).includes('Why: best score'));
    const t = await sel.innerText();
    r.check('mock gateways: bandwidths in words', t.includes('10 Mbit/s down, 2 Mbit/s up') && t.includes('54 Mbit/s'), t.replace(/\n/g, ' '));
    r.check('mock gateways: preference automatic', await text(page, 'gateway-preference') === 'Your choice: automatic');
    r.check('mock gateways: this node offers nothing', await text(page, 'gateway-offer') === S('en', 'gw.offer.off'));
  },
  async clients(page, r) {
    r.check('mock clients: 5 rows', await count(page, tid('client-row')) === 5);
    r.check('mock clients: 2 here', await count(page, `${tid('client-row')}[data-here="true"]`) === 2);
    r.check('mock clients: a nameless one is an "unnamed device"', (await page.locator('main').innerText()).includes('unnamed device'));
    await page.locator(tid('clients-filter')).fill('maria');
    const n = await count(page, tid('client-row'));
    r.check('mock clients: the filter keeps 1 row for "maria"', n === 1, String(n));
    await page.locator(tid('clients-filter')).fill('');
  },
  async settings(page, r) {
    r.check('mock settings: logged out shows the login form', await page.locator(tid('login-form')).isVisible());
  },
};

export async function settingsError(res, r) {
  r.check('mock settings: error shown verbatim', res.error.startsWith("node.conf:2: invalid value 'my node' for hostname"), res.error);
}

export async function settingsOk(page, res, r) {
  r.check('mock settings: success names what changed', res.ok === 'Saved. Changed: Gateway speed to announce.', res.ok);
  await page.waitForFunction(() => document.querySelector('[data-testid="settings-bandwidth"]').value === '20mbit/4mbit');
  r.check('mock settings: the form shows the saved value', true);
}

export async function gatewayChosen(page, name, r) {
  const card = page.locator(`[data-testid="gateway-card"][data-name="${name}"]`);
  await page.waitForFunction((n) => document.querySelector(`[data-testid="gateway-card"][data-name="${n}"]`)?.dataset.selected === 'true', name);
  r.check(`mock gateways: ${name} now in use, preferred by the user`, (await card.innerText()).includes('Why: preferred by the user'));
}

export async function wizardError(err, r) {
  r.check('mock wizard: the node\'s message verbatim', err.startsWith("node.conf:2: invalid value 'my node'"), err);
}

export async function afterWizard(page, r) {
  await page.waitForFunction(() => document.querySelector('[data-testid="header-node"]').textContent === 'escuela-techo');
  r.check('mock wizard: the new name shows', await text(page, 'header-node') === 'escuela-techo');
  const w = await page.locator(tid('home-warning')).innerText();
  r.check('mock wizard: a daemon not running is a warning sentence', w.includes('leasesyncd') && w.startsWith('Warning:') && w.includes('Not running: sharing device addresses'), w);
  const home = await page.locator('main').innerText();
  r.check('mock wizard: the community name shows', home.includes('Red-Barrio'));
}
