#!/usr/bin/env node
/* Browser checks of the softmesh web interface (webui/static/) against a
 * server that speaks doc/webui.md: the mock (mock_server.py) or a real
 * webuid in the lab.
 *
 *   node ui.mjs --base URL [--out DIR] [--password PW] [--mock]
 *               [--wizard] [--rate-limit] [--gateway NAME]
 *               [--change JSON] [--bad-hostname NAME]
 *
 * Without --wizard: every screen (render, axe, screenshot, JS+CSS budget,
 * console and CSP), the language switch, login refused and accepted on
 * Settings, a settings change, a gateway choice through the login dialog,
 * live updates. --wizard: the first-run wizard on a node without a
 * password. --mock adds the assertions on the mock's exact data
 * (mock_expect.mjs). Prints one line per check and "N passed, N failed";
 * exits 1 on any failure.
 *
 * Everything is exported for a lab test to reuse: launch, openPage,
 * checkScreen, axeCheck, shot, login, chooseGateway, saveSettings,
 * runWizard, checkStrings, Report, SCREENS. */
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const STATIC = path.resolve(HERE, '../../webui/static');
export const AXE_PATH = path.join(HERE, 'node_modules/axe-core/axe.min.js');
export const BUDGET_BYTES = 100 * 1024;
export const VIEWPORT = { width: 390, height: 844 };
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const i18n = await import(pathToFileURL(path.join(STATIC, 'i18n.js')).href);
for (const l of i18n.LANGS) await i18n.loadLang(l);
/* A string of the page in a language, as the page itself would show it. */
export const S = (lang, key, vars) => i18n.t(key, vars, lang);

const tid = (id) => `[data-testid="${id}"]`;

/* The screens behind the bottom navigation. ready: test ids of which one
 * must show (data, or the empty state); must: ids that always show. */
export const SCREENS = [
  { name: 'home', hash: '#/', nav: 'nav-home', ready: ['home-internet'],
    must: ['home-internet', 'home-clients', 'home-cloud-clients', 'home-neighbours', 'home-nodes', 'home-uptime', 'home-version'] },
  { name: 'neighbours', hash: '#/neighbours', nav: 'nav-neighbours', ready: ['neighbour-card', 'neighbours-empty'], must: [] },
  { name: 'map', hash: '#/map', nav: 'nav-map', ready: ['map-svg', 'map-empty'], must: [] },
  { name: 'gateways', hash: '#/gateways', nav: 'nav-gateways', ready: ['gateway-card', 'gateways-empty'],
    must: ['gateway-preference', 'gateway-auto', 'gateway-offer'] },
  { name: 'clients', hash: '#/clients', nav: 'nav-clients', ready: ['client-row', 'clients-empty'], must: ['clients-filter', 'clients-summary'] },
  { name: 'settings', hash: '#/settings', nav: 'nav-settings', ready: ['login-form', 'settings-form'], must: [] },
];

export class Report {
  constructor() { this.passed = 0; this.failed = 0; }
  check(name, ok, detail) {
    const more = detail ? ' — ' + String(detail).replace(/\s*\n\s*/g, ' ') : '';
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${more}`);
    if (ok) this.passed++; else this.failed++;
    return !!ok;
  }
  /* Runs a group of checks; an exception fails it instead of ending the run. */
  async step(name, fn) {
    try { await fn(); } catch (e) { this.check(name, false, String(e.message || e).split('\n')[0]); }
  }
  summary() { console.log(`webui: ${this.passed} passed, ${this.failed} failed`); return this.failed === 0; }
}

export async function launch({ executablePath = process.env.CHROMIUM || '/usr/bin/chromium', locale = 'en-US' } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webui-chromium-'));
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath, headless: true, args: CHROMIUM_ARGS, locale,
    viewport: VIEWPORT, deviceScaleFactor: 1, isMobile: true, hasTouch: true,
  });
  const close = ctx.close.bind(ctx);
  ctx.close = async () => {
    await close();
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  };
  return ctx;
}

/* A new page that records what the checks need: console errors and page
 * errors (page.watch.errors, except the HTTP statuses put in
 * page.watch.allow by a flow that expects them), CSP violations, the bytes
 * of every script and stylesheet, and the requests made. */
export async function openPage(ctx, url) {
  const page = await ctx.newPage();
  const w = { errors: [], bytes: 0, files: {}, requests: [], pending: [], allow: new Set() };
  page.watch = w;
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const st = /status of (\d{3})/.exec(m.text());
    if (st && w.allow.has(Number(st[1]))) return;
    w.errors.push('console: ' + m.text() + ' @ ' + (m.location().url || ''));
  });
  page.on('pageerror', (e) => w.errors.push('pageerror: ' + e.message));
  page.on('request', (r) => w.requests.push({ method: r.method(), url: r.url(), body: r.postData(), at: Date.now() }));
  page.on('response', (r) => {
    const type = r.request().resourceType();
    if (type !== 'script' && type !== 'stylesheet') return;
    w.pending.push(r.body().then((b) => { w.files[r.url()] = b.length; }, () => {}));
  });
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
  });
  await page.goto(url);
  return page;
}

export async function scriptBytes(page) {
  await Promise.all(page.watch.pending);
  return Object.values(page.watch.files).reduce((a, b) => a + b, 0);
}

/* Waits for the first of the test ids to be visible; returns which. */
export async function waitAny(page, ids, timeout = 8000) {
  const loc = page.locator(ids.map((i) => tid(i) + ':visible').join(', ')).first();
  await loc.waitFor({ state: 'visible', timeout });
  return loc.getAttribute('data-testid');
}

export async function axeCheck(page, label, report) {
  await page.evaluate(fs.readFileSync(AXE_PATH, 'utf8'));
  const res = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of res.violations) {
    console.log(`     axe ${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  }
  return report.check(`${label}: axe finds no serious or critical violation`, bad.length === 0, bad.map((v) => v.id).join(', '));
}

/* A screenshot of the whole page as a phone as tall as the page would show
 * it (a full-page capture would leave the fixed navigation bar mid-page). */
export async function shot(page, outDir, name) {
  if (!outDir) return;
  fs.mkdirSync(outDir, { recursive: true });
  const vp = page.viewportSize();
  const tall = await page.evaluate(() => document.documentElement.scrollHeight);
  if (tall > vp.height) await page.setViewportSize({ width: vp.width, height: tall });
  await page.screenshot({ path: path.join(outDir, name + '.png') });
  if (tall > vp.height) await page.setViewportSize(vp);
}

/* No console error, no page error, no CSP violation so far. */
export async function cleanCheck(page, label, report) {
  const csp = await page.evaluate(() => window.__csp || []);
  const all = [...page.watch.errors, ...csp.map((c) => 'csp: ' + c)];
  return report.check(`${label}: no console error, page error or CSP violation`, all.length === 0, all.slice(0, 4).join(' | '));
}

/* Generic checks of what any screen must do, whatever the data. */
export async function checkScreen(page, sc, report, lang = 'en') {
  const label = sc.name;
  const got = await waitAny(page, sc.ready);
  report.check(`${label}: renders (${got})`, true);
  const h1 = (await page.locator(tid('screen-title')).innerText()).trim();
  report.check(`${label}: has a title`, h1.length > 0, h1);
  for (const id of sc.must) {
    const loc = page.locator(tid(id)).first();
    const input = await loc.evaluate((e) => e.matches('input, select')).catch(() => false);
    const ok = (await loc.isVisible()) && (input || (await loc.innerText()).trim().length > 0);
    report.check(`${label}: shows ${id}`, ok);
  }
  const cur = await page.locator('nav a[aria-current="page"]').getAttribute('data-testid');
  report.check(`${label}: navigation marks this screen`, cur === sc.nav, cur);
  report.check(`${label}: <html lang> is ${lang}`, (await page.locator('html').getAttribute('lang')) === lang);
  const text = await page.locator('body').innerText();
  const key = /\b(?:app|nav|home|nb|map|lg|gw|cl|login|set|pw|setup|help|unit|rate|q|daemon|lang|conn|error)\.[a-z0-9_]+(?:\.[a-z0-9_]+)*\b/.exec(text);
  report.check(`${label}: no untranslated string key shows`, !key, key && key[0]);
  await checkHelp(page, label, report);
  await checkTargets(page, label, report);
}

/* Every "?" is labelled and controls a paragraph; the first one opens it. */
async function checkHelp(page, label, report) {
  const buttons = page.locator('main ' + tid('help-button'));
  const n = await buttons.count();
  if (!n) return;
  const bad = await buttons.evaluateAll((bs) => bs.filter((b) => !b.getAttribute('aria-label')
    || !b.hasAttribute('aria-expanded') || !document.getElementById(b.getAttribute('aria-controls'))).length);
  report.check(`${label}: ${n} "?" buttons labelled, each controls its paragraph`, bad === 0, bad ? `${bad} wrong` : '');
  const b = buttons.first();
  const wasOpen = (await b.getAttribute('aria-expanded')) === 'true';
  await b.click();
  const p = page.locator('#' + (await b.getAttribute('aria-controls')));
  const open = (await b.getAttribute('aria-expanded')) === 'true' && (await p.isVisible());
  report.check(`${label}: "?" toggles its explanation`, open !== wasOpen, (await p.innerText().catch(() => '')).slice(0, 60));
  if (open) await b.click();
}

/* Tap targets: buttons, links, selects and text fields at least 44x44 px
 * (a checkbox counts its label, which is a target too). */
async function checkTargets(page, label, report) {
  const small = await page.evaluate(() => {
    const out = [];
    for (const el of document.querySelectorAll('main button, main a, main select, main input, nav a, header select, dialog button, dialog input')) {
      if (el.type === 'checkbox' && el.labels && el.labels.length) continue;
      const r = el.getBoundingClientRect();
      if (!r.width || !r.height) continue;
      if (r.width < 44 || r.height < 44) out.push(`${el.tagName.toLowerCase()}[${el.dataset.testid || el.id || el.textContent.trim().slice(0, 12)}] ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
    return out;
  });
  report.check(`${label}: tap targets at least 44x44 px`, small.length === 0, small.slice(0, 4).join(', '));
}

export async function budgetCheck(page, label, report) {
  const bytes = await scriptBytes(page);
  return report.check(`${label}: JS+CSS loaded ${(bytes / 1024).toFixed(1)} KB ≤ ${BUDGET_BYTES / 1024} KB`,
    bytes > 0 && bytes <= BUDGET_BYTES);
}

/* Both languages have the same keys, and every key the page's code names
 * literally (t('...'), data-i18n) exists. */
export function checkStrings(report) {
  const [a, b] = i18n.LANGS;
  const ka = Object.keys(i18n.strings(a));
  const kb = Object.keys(i18n.strings(b));
  const onlyA = ka.filter((k) => !kb.includes(k));
  const onlyB = kb.filter((k) => !ka.includes(k));
  report.check(`strings: ${a} and ${b} have the same ${ka.length} keys`, !onlyA.length && !onlyB.length, [...onlyA, ...onlyB].join(', '));
  const used = new Set();
  for (const f of fs.readdirSync(STATIC)) {
    if (!/\.(js|html)$/.test(f) || f.startsWith('i18n')) continue;
    const src = fs.readFileSync(path.join(STATIC, f), 'utf8');
    for (const m of src.matchAll(/\bt\('([a-z0-9_.]*[a-z0-9_])'|data-i18n(?:-label)?="([a-z0-9_.]+)"/g)) used.add(m[1] || m[2]);
  }
  const missing = [...used].filter((k) => !ka.includes(k));
  report.check(`strings: all ${used.size} keys named in the code exist`, !missing.length, missing.join(', '));
}

/* ---------- flows a lab test can reuse ---------- */

/* Types the password in the visible login form (settings or dialog) and
 * submits. Resolves to 'ok' (form gone) or the error text shown. */
export async function login(page, password) {
  const form = page.locator(tid('login-form') + ':visible').last();
  await form.locator(tid('login-password')).fill(password);
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/login'), { timeout: 8000 });
  await form.locator(tid('login-submit')).click();
  const res = await answer;
  if (res.ok()) {
    await page.waitForFunction((sel) => ![...document.querySelectorAll(sel)].some((f) => f.closest('body')
      && f.offsetParent !== null), tid('login-form'), { timeout: 8000 });
    return 'ok';
  }
  await page.waitForFunction((sel) => [...document.querySelectorAll(sel)].some((e) => e.textContent), tid('login-error'), { timeout: 8000 });
  return form.locator(tid('login-error')).innerText();
}

/* Chooses a gateway (a name, or 'auto') on the Gateways screen, logging in
 * through the dialog with password if asked. Returns { msg, dialog }. */
export async function chooseGateway(page, name, password, onDialog) {
  const btn = name === 'auto' ? page.locator(tid('gateway-auto'))
    : page.locator(`${tid('gateway-card')}[data-name="${name}"] ${tid('gateway-use')}`).first();
  await btn.click();
  const which = await waitAny(page, ['login-dialog', 'gateway-msg', 'gateway-error']);
  let dialog = false;
  if (which === 'login-dialog') {
    dialog = true;
    if (onDialog) await onDialog();
    const r = await login(page, password);
    if (r !== 'ok') throw new Error('login in the dialog refused: ' + r);
    await waitAny(page, ['gateway-msg', 'gateway-error']);
  }
  const err = page.locator(tid('gateway-error'));
  if (await err.isVisible()) return { error: await err.innerText(), dialog };
  return { msg: await page.locator(tid('gateway-msg')).innerText(), dialog };
}

const FIELDS = { hostname: 'settings-hostname', ap_ssid: 'settings-ssid', gateway_bandwidth: 'settings-bandwidth' };

/* Fills the logged-in settings form and saves. fields: any of hostname,
 * ap_ssid, gateway (bool), gateway_bandwidth, preferred_gateway, password
 * (password2 defaults to it). Returns { ok, error, body } with the JSON
 * body the page sent (null when it sent none). */
export async function saveSettings(page, fields) {
  const form = page.locator(tid('settings-form'));
  for (const [k, v] of Object.entries(fields)) {
    if (FIELDS[k]) await form.locator(tid(FIELDS[k])).fill(v);
    else if (k === 'gateway') await form.locator(tid('settings-gateway')).setChecked(v);
    else if (k === 'preferred_gateway') await form.locator(tid('settings-preferred')).selectOption(v);
    else if (k === 'password') {
      await form.locator(tid('settings-password')).fill(v);
      await form.locator(tid('settings-password2')).fill(fields.password2 ?? v);
    }
  }
  const n = page.watch.requests.length;
  const ok = form.locator(tid('settings-ok'));
  const err = form.locator(tid('settings-error'));
  await form.locator(tid('settings-save')).click();
  await page.waitForFunction(([a, b]) => document.querySelector(a).textContent || document.querySelector(b).textContent,
    [tid('settings-ok'), tid('settings-error')], { timeout: 8000 });
  const sent = page.watch.requests.slice(n).find((r) => r.method === 'POST' && r.url.endsWith('/api/settings'));
  return { ok: await ok.innerText(), error: await err.innerText(), body: sent ? JSON.parse(sent.body) : null };
}

/* Goes through the first-run wizard. Returns the error text of the last
 * step if the node refused, else ''. onStep(n) runs on each step shown. */
export async function runWizard(page, { hostname, ssid, password, password2 }, onStep) {
  const step = async (n) => {
    await page.locator(`${tid('setup-step')}[data-step="${n}"]`).waitFor({ timeout: 8000 });
    if (onStep) await onStep(n);
  };
  await step(1);
  if (hostname !== undefined) await page.locator(tid('setup-hostname')).fill(hostname);
  await page.locator(tid('setup-next')).click();
  await step(2);
  if (ssid !== undefined) await page.locator(tid('setup-ssid')).fill(ssid);
  await page.locator(tid('setup-next')).click();
  await step(3);
  await page.locator(tid('setup-password')).fill(password);
  await page.locator(tid('setup-password2')).fill(password2 ?? password);
  await page.locator(tid('setup-finish')).click();
  await page.waitForFunction((e) => !location.hash.startsWith('#/setup') || document.querySelector(e)?.textContent,
    tid('setup-error'), { timeout: 8000 });
  return page.locator(tid('setup-error')).innerText().catch(() => '');
}

/* ---------- the runs ---------- */

async function screensPass(ctx, o, r, mock) {
  for (const sc of SCREENS) {
    await r.step(`${sc.name}: screen`, async () => {
      const page = await openPage(ctx, o.base + sc.hash);
      await checkScreen(page, sc, r);
      if (mock && mock.screens[sc.name]) await mock.screens[sc.name](page, r);
      await axeCheck(page, sc.name, r);
      await shot(page, o.out, sc.name);
      await budgetCheck(page, sc.name, r);
      await cleanCheck(page, sc.name, r);
      await page.close();
    });
  }
}

async function languagePass(ctx, o, r) {
  await r.step('language switch', async () => {
    const page = await openPage(ctx, o.base + '#/');
    await waitAny(page, ['home-internet']);
    const enText = await page.locator(tid('home-clients')).locator('xpath=..').innerText();
    await page.locator(tid('lang-switch')).selectOption('es');
    await page.waitForFunction(() => document.documentElement.lang === 'es');
    const nav = (await page.locator(tid('nav-home')).innerText()).trim();
    r.check('language: Spanish shows Spanish text', nav === S('es', 'nav.home'), nav);
    const esText = await page.locator(tid('home-clients')).locator('xpath=..').innerText();
    r.check('language: the screen is redrawn in Spanish', esText.includes(S('es', 'home.clients')) && esText !== enText, esText.replace(/\n/g, ' '));
    await checkScreen(page, SCREENS[0], r, 'es');
    await axeCheck(page, 'home (es)', r);
    await shot(page, o.out, 'home-es');
    await page.reload();
    await waitAny(page, ['home-internet']);
    r.check('language: the choice is kept after a reload', (await page.locator('html').getAttribute('lang')) === 'es');
    await page.goto(o.base + '#/gateways');
    await waitAny(page, SCREENS[3].ready);
    await shot(page, o.out, 'gateways-es');
    await page.locator(tid('lang-switch')).selectOption('en');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    r.check('language: back to English', (await page.locator(tid('nav-home')).innerText()).trim() === S('en', 'nav.home'));
    await cleanCheck(page, 'language', r);
    await page.close();
  });
}

async function settingsPass(ctx, o, r, mock) {
  await r.step('settings flow', async () => {
    const page = await openPage(ctx, o.base + '#/settings');
    await waitAny(page, ['login-form', 'settings-form']);
    if (await page.locator(tid('settings-form')).isVisible()) await page.locator(tid('settings-logout')).click();
    page.watch.allow.add(403);
    const wrong = await login(page, o.password + '-wrong');
    r.check('settings: a wrong password is refused', wrong === S('en', 'login.wrong'), wrong);
    const right = await login(page, o.password);
    r.check('settings: the right password opens the form', right === 'ok' && await page.locator(tid('settings-form')).isVisible(), right);
    await axeCheck(page, 'settings form', r);
    await shot(page, o.out, 'settings-form');
    await page.reload();
    const after = await waitAny(page, ['login-form', 'settings-form']);
    r.check('settings: still logged in after a reload (csrf from /api/session)', after === 'settings-form', after);

    const mism = await saveSettings(page, { password: 'abcdefgh1', password2: 'abcdefgh2' });
    r.check('settings: different passwords refused before sending', mism.error === S('en', 'pw.mismatch') && mism.body === null, mism.error);
    await page.locator(tid('settings-password')).fill('');
    await page.locator(tid('settings-password2')).fill('');

    page.watch.allow.add(400);
    const bad = await saveSettings(page, { hostname: o.badHostname });
    r.check('settings: an invalid value shows the node\'s error', bad.error.length > 0 && !bad.ok, bad.error);
    r.check('settings: only the changed field is sent', bad.body && Object.keys(bad.body).join() === 'hostname', JSON.stringify(bad.body));
    await shot(page, o.out, 'settings-error');
    if (mock) await mock.settingsError(bad, r);
    await page.reload();
    await waitAny(page, ['settings-form']);

    const good = await saveSettings(page, o.change);
    r.check('settings: a valid change is saved', good.ok.length > 0 && !good.error, good.ok || good.error);
    r.check('settings: only the changed fields are sent',
      good.body && Object.keys(good.body).sort().join() === Object.keys(o.change).sort().join(), JSON.stringify(good.body));
    if (mock) await mock.settingsOk(page, good, r);

    await page.locator(tid('settings-logout')).click();
    await waitAny(page, ['login-form']);
    r.check('settings: log out shows the login form again', true);
    await cleanCheck(page, 'settings', r);
    await page.close();
  });
}

async function gatewayPass(ctx, o, r, mock) {
  await r.step('gateway flow', async () => {
    const page = await openPage(ctx, o.base + '#/gateways');
    const got = await waitAny(page, SCREENS[3].ready);
    if (got === 'gateways-empty') { r.check('gateways: no gateway to choose (skipped)', true); return; }
    const name = o.gateway || await page.locator(`${tid('gateway-card')}[data-selected="false"]`).first().getAttribute('data-name');
    const res = await chooseGateway(page, name, o.password, async () => {
      await axeCheck(page, 'login dialog', r);
      await shot(page, o.out, 'gateways-login');
    });
    r.check('gateways: choosing asks for the password first', res.dialog);
    r.check(`gateways: choosing ${name} succeeds`, !!res.msg && !res.error, res.msg || res.error);
    const pref = await page.locator(tid('gateway-preference')).innerText();
    r.check('gateways: the preference shows the choice', pref.includes(name), pref);
    if (mock) await mock.gatewayChosen(page, name, r);
    await shot(page, o.out, 'gateways-chosen');
    const back = await chooseGateway(page, 'auto', o.password);
    r.check('gateways: automatic choice succeeds without asking again', !!back.msg && !back.dialog, back.msg || back.error);
    const pref2 = await page.locator(tid('gateway-preference')).innerText();
    r.check('gateways: the preference is automatic again', pref2 === S('en', 'gw.pref', { p: S('en', 'gw.pref.auto') }), pref2);
    await cleanCheck(page, 'gateways flow', r);
    await page.close();
  });
}

async function livePass(ctx, o, r) {
  await r.step('live updates', async () => {
    const page = await openPage(ctx, o.base + '#/neighbours');
    await waitAny(page, SCREENS[1].ready);
    const t0 = Date.now();
    const reads = () => page.watch.requests.filter((q) => q.method === 'GET' && q.url.endsWith('/api/neighbours') && q.at > t0);
    await page.waitForFunction(() => true);
    for (let i = 0; i < 26 && !reads().length; i++) await page.waitForTimeout(500);
    r.check('live: the screen reads its data again by itself', reads().length > 0, `${((Date.now() - t0) / 1000).toFixed(1)} s`);
    r.check('live: an EventSource on /api/events is open', page.watch.requests.some((q) => q.url.endsWith('/api/events')));
    await cleanCheck(page, 'live', r);
    await page.close();
  });
}

async function rateLimitPass(ctx, o, r) {
  await r.step('rate limit', async () => {
    const page = await openPage(ctx, o.base + '#/settings');
    if (await waitAny(page, ['login-form', 'settings-form']) === 'settings-form') await page.locator(tid('settings-logout')).click();
    await waitAny(page, ['login-form']);
    page.watch.allow.add(403).add(429);
    let msg = '';
    for (let i = 0; i < 12 && !msg.startsWith('Too many'); i++) msg = await login(page, 'nope' + i);
    r.check('login: too many attempts says how long to wait', /^Too many attempts\. Wait \d+ seconds?/.test(msg), msg);
    await shot(page, o.out, 'login-limited');
    await cleanCheck(page, 'rate limit', r);
    await page.close();
  });
}

async function wizardPass(ctx, o, r, mock) {
  await r.step('wizard', async () => {
    const page = await openPage(ctx, o.base + '#/');
    await page.waitForURL((u) => u.hash === '#/setup', { timeout: 8000 });
    r.check('wizard: a first run goes to #/setup', true);
    r.check('wizard: the bottom navigation is hidden', !(await page.locator('nav.tabs').isVisible()));
    await page.locator(tid('setup-hostname')).fill('');
    await page.locator(tid('setup-next')).click();
    r.check('wizard: an empty name is refused', (await page.locator(tid('setup-error')).innerText()) === S('en', 'setup.need.hostname'));
    page.watch.allow.add(400);
    const steps = async (n) => {
      await axeCheck(page, `wizard step ${n}`, r);
      await shot(page, o.out, `setup-${n}`);
    };
    if (o.badHostname) {
      const err = await runWizard(page, { hostname: o.badHostname, ssid: 'Red-Barrio', password: 'correct horse' }, steps);
      r.check('wizard: the node\'s refusal is shown', err.length > 0, err);
      if (mock) await mock.wizardError(err, r);
      await shot(page, o.out, 'setup-error');
      await page.locator(tid('setup-back')).click();
      await page.locator(tid('setup-back')).click();
    }
    const mism = await runWizard(page, { hostname: 'escuela-techo', ssid: 'Red-Barrio', password: 'correct horse', password2: 'correct hors' });
    r.check('wizard: different passwords are refused', mism === S('en', 'pw.mismatch'), mism);
    await page.locator(tid('setup-password')).fill('correct horse');
    await page.locator(tid('setup-password2')).fill('correct horse');
    await page.locator(tid('setup-finish')).click();
    await page.waitForURL((u) => u.hash === '#/', { timeout: 8000 });
    await waitAny(page, ['home-internet']);
    r.check('wizard: finishing goes Home', true);
    if (mock) await mock.afterWizard(page, r);
    await shot(page, o.out, 'home-after-setup');
    await page.goto(o.base + '#/settings');
    const s = await waitAny(page, ['login-form', 'settings-form']);
    r.check('wizard: the node is logged in afterwards', s === 'settings-form', s);
    await page.goto(o.base + '#/setup');
    await page.waitForURL((u) => u.hash === '#/', { timeout: 8000 });
    r.check('wizard: #/setup on a node already set up goes Home', true);
    await cleanCheck(page, 'wizard', r);
    await page.close();
  });
}

function parseArgs(argv) {
  const o = { base: process.env.WEBUI_BASE, out: process.env.WEBUI_SHOTS || '', password: 'correct horse',
    change: { gateway_bandwidth: '20mbit/4mbit' }, badHostname: 'my node' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => argv[++i];
    if (a === '--base') o.base = v();
    else if (a === '--out') o.out = v();
    else if (a === '--password') o.password = v();
    else if (a === '--mock') o.mock = true;
    else if (a === '--wizard') o.wizard = true;
    else if (a === '--rate-limit') o.rateLimit = true;
    else if (a === '--gateway') o.gateway = v();
    else if (a === '--change') o.change = JSON.parse(v());
    else if (a === '--bad-hostname') o.badHostname = v();
    else throw new Error('unknown argument ' + a);
  }
  if (!o.base) throw new Error('usage: ui.mjs --base URL [--out DIR] [--mock] [--wizard] [--rate-limit]');
  o.base = o.base.replace(/\/?$/, '/');
  return o;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const r = new Report();
  const mock = o.mock ? await import('./mock_expect.mjs') : null;
  checkStrings(r);
  const ctx = await launch();
  try {
    if (o.wizard) {
      await wizardPass(ctx, o, r, mock);
    } else {
      await screensPass(ctx, o, r, mock);
      await languagePass(ctx, o, r);
      await settingsPass(ctx, o, r, mock);
      await gatewayPass(ctx, o, r, mock);
      await livePass(ctx, o, r);
      if (o.rateLimit) await rateLimitPass(ctx, o, r);
    }
  } finally {
    await ctx.close();
  }
  process.exit(r.summary() ? 0 : 1);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => { console.error('FAIL', e); process.exit(1); });
}
