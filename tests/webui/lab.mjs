// The web interface in a live lab (issue 14), run by
// tests/netns/webui_browser.sh inside a client's namespace: Debian's
// chromium at 390x844 opens http://thisnode.info (the client's own node,
// through anycastd's DNS and the anycast address) and goes through:
//   1. the first-run wizard on the fresh node;
//   2. every screen with the lab's live data (the generic checks of
//      ui.mjs: renders, help, tap targets, axe-core, JS+CSS budget, no
//      console error or CSP violation; and what the lab must show);
//   3. choosing the other gateway on the Gateways screen: meshctl gw on
//      the node reports it selected, and pings to the Internet host leave
//      through it (its tunnel counter grows), then automatic again;
//   4. a settings change refused with a wrong password, applied with the
//      right one (the preferred gateway, as meshctl gw reports it);
//   5. a node cut off: the map shows it gone.
// Screenshots of every screen go to --out.
//   node lab.mjs --base URL --out DIR --rundir NODE_RUNDIR --meshctl PATH
//                --meshlab PATH --lab NAME --cut A,B --gone NAME
import { execFileSync } from 'node:child_process';
import { SCREENS, Report, launch, openPage, waitAny, axeCheck, shot, cleanCheck,
  checkScreen, budgetCheck, login, chooseGateway, saveSettings, runWizard, S } from './ui.mjs';

const tid = (id) => `[data-testid="${id}"]`;
const o = {};
for (let i = 2; i < process.argv.length; i += 2) o[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
o.base = o.base.replace(/\/?$/, '/');
const PASSWORD = 'correct horse battery';
const r = new Report();

const gw = () => JSON.parse(execFileSync(o.meshctl, ['--rundir', o.rundir, 'gw', '--json'], { encoding: 'utf8' }));
const sleep = (ms) => new Promise((res) => setTimeout(res, ms));
async function until(what, fn, ms = 20000) {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > ms) throw new Error(`${what}: not within ${ms / 1000} s`);
    await sleep(300);
  }
}

// what each screen must show of the lab (two gateways n2 and n3, n1's
// neighbours n2 and n3, n4 behind n3, client c1 on n1)
const LIVE = {
  home: async (page) => {
    const el = page.locator(tid('home-internet'));
    await until('home: Internet through a gateway', async () => (await el.getAttribute('data-ok')) === 'true');
    r.check('home: Internet yes, through a gateway', true, (await el.innerText()).split('\n')[0]);
    const nodes = Number((await page.locator(tid('home-nodes')).innerText()).trim());
    r.check('home: the lab\'s 4 nodes counted', nodes === 4, nodes);
  },
  neighbours: async (page) => {
    await until('neighbours: two cards', async () => (await page.locator(tid('neighbour-card')).count()) === 2);
    const s = await page.locator(tid('neighbour-sentence')).first().innerText();
    r.check('neighbours: n2 and n3 with a sentence', /packets arrive/.test(s), s);
  },
  map: async (page) => {
    await until('map: 4 nodes drawn', async () => (await page.locator(tid('map-node')).count()) >= 4);
    await until('map: the way to the gateway', async () => (await page.locator(tid('map-path')).count()) > 0);
    r.check('map: 4 nodes and the path to the gateway drawn', true,
      (await page.locator(tid('map-path-text')).innerText().catch(() => '')).replace(/\n/g, ' '));
  },
  gateways: async (page) => {
    await until('gateways: two offers', async () => (await page.locator(tid('gateway-card')).count()) === 2);
    r.check('gateways: both offers shown, one selected',
      (await page.locator(`${tid('gateway-card')}[data-selected="true"]`).count()) === 1);
  },
  clients: async (page) => {
    await until('clients: c1 here', async () => (await page.locator(`${tid('client-row')}[data-here="true"]`).count()) >= 1);
    r.check('clients: c1 listed as here', true, (await page.locator(tid('client-row')).first().innerText()).replace(/\n/g, ' '));
  },
  settings: async () => {},
};

async function main() {
  const ctx = await launch();
  try {
    await r.step('wizard on the fresh node', async () => {
      const page = await openPage(ctx, o.base);
      await page.waitForURL((u) => u.hash === '#/setup', { timeout: 15000 });
      r.check('wizard: a fresh node opens its first-run setup', true);
      const steps = async (n) => { await axeCheck(page, `wizard step ${n}`, r); await shot(page, o.out, `setup-${n}`); };
      const err = await runWizard(page, { hostname: 'escuela', ssid: 'LibreMesh.org', password: PASSWORD }, steps);
      r.check('wizard: finished', !err && !(await page.evaluate(() => location.hash.startsWith('#/setup'))), err);
      await cleanCheck(page, 'wizard', r);
      await page.close();
    });
    // the new name restarts the node's daemons: wait until it answers as escuela
    await until('n1 runs as escuela', async () => {
      try { return gw() && JSON.parse(execFileSync(o.meshctl, ['--rundir', o.rundir, 'l3', 'status', '--json'], { encoding: 'utf8' })).hostname === 'escuela'; } catch { return false; }
    }, 30000);
    for (const sc of SCREENS) {
      await r.step(`${sc.name}: screen`, async () => {
        const page = await openPage(ctx, o.base + sc.hash);
        await checkScreen(page, sc, r);
        await LIVE[sc.name](page);
        await axeCheck(page, sc.name, r);
        await shot(page, o.out, sc.name);
        await budgetCheck(page, sc.name, r);
        await cleanCheck(page, sc.name, r);
        await page.close();
      });
    }
    await r.step('gateway choice', async () => {
      const page = await openPage(ctx, o.base + '#/gateways');
      await until('two gateway cards', async () => (await page.locator(tid('gateway-card')).count()) === 2);
      const other = await page.locator(`${tid('gateway-card')}[data-selected="false"]`).first().getAttribute('data-name');
      const res = await chooseGateway(page, other, PASSWORD);
      r.check(`gateways: choosing ${other} on the screen succeeds`, !!res.msg && !res.error, res.msg || res.error);
      const g = await until('meshctl gw shows the choice selected', async () => {
        const x = gw();
        return x.preference === other && x.gateways.some((y) => y.hostname === other && y.selected) ? x : null;
      });
      r.check(`meshctl gw: preference ${g.preference} (${g.preference_source}), ${other} selected`, true);
      await until('the card shows it selected', async () =>
        (await page.locator(`${tid('gateway-card')}[data-name="${other}"]`).getAttribute('data-selected')) === 'true');
      r.check('gateways: the screen shows it selected', true);
      await shot(page, o.out, 'gateways-chosen');
      const tx = (x) => x.gateways.find((y) => y.hostname === other && y.family === 'ipv4').tx_packets;
      const before = tx(gw());
      execFileSync('ping', ['-c', '5', '-i', '0.2', '-W', '1', '198.18.0.1'], { stdio: 'ignore' });
      const after = tx(gw());
      r.check(`traffic: pings to the Internet leave through ${other} (tunnel packets ${before} -> ${after})`, after - before >= 5);
      const back = await chooseGateway(page, 'auto', PASSWORD);
      r.check('gateways: automatic again', !!back.msg && gw().preference === 'auto', back.msg || back.error);
      await cleanCheck(page, 'gateway choice', r);
      await page.close();
    });
    await r.step('settings', async () => {
      const page = await openPage(ctx, o.base + '#/settings');
      if (await waitAny(page, ['login-form', 'settings-form']) === 'settings-form') await page.locator(tid('settings-logout')).click();
      await waitAny(page, ['login-form']);
      page.watch.allow.add(403);
      const wrong = await login(page, 'not the password');
      r.check('settings: a wrong password is refused', wrong === S('en', 'login.wrong'), wrong);
      r.check('settings: nothing opens with it', !(await page.locator(tid('settings-form')).isVisible()));
      const right = await login(page, PASSWORD);
      r.check('settings: the right password opens the form', right === 'ok');
      const target = gw().gateways.find((y) => !y.selected && y.family === 'ipv4').hostname;
      const res = await saveSettings(page, { preferred_gateway: target });
      r.check(`settings: preferred gateway ${target} applied`, res.ok && !res.error, res.ok || res.error);
      const g = await until('meshctl gw shows the configured preference', async () => {
        const x = gw();
        return x.preference === target && x.preference_source === 'config' ? x : null;
      });
      r.check(`meshctl gw: preference ${g.preference} from the ${g.preference_source}`, true);
      await shot(page, o.out, 'settings-applied');
      await cleanCheck(page, 'settings', r);
      await page.close();
    });
    await r.step('a node that went away', async () => {
      const [a, b] = o.cut.split(',');
      execFileSync(o.meshlab, ['link', '--name', o.lab, a, b, 'down'], { stdio: 'ignore' });
      const page = await openPage(ctx, o.base + '#/map');
      await waitAny(page, ['map-svg']);
      await until(`map: ${o.gone} drawn as gone`, async () =>
        (await page.locator(`${tid('map-node')}[data-state="gone"]`).count()) >= 1, 40000);
      const list = await page.locator(tid('map-list')).innerText();
      r.check(`map: ${o.gone} is shown as gone, not dropped`, /\(gone\)/.test(list), list.split('\n').filter((l) => /gone/.test(l)).join(' '));
      await shot(page, o.out, 'map-gone');
      await cleanCheck(page, 'map gone', r);
      await page.close();
    });
  } finally {
    await ctx.close();
  }
  process.exit(r.summary() ? 0 : 1);
}

main().catch((e) => { console.error('FAIL', e); process.exit(1); });
