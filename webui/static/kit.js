/* What every screen uses: element builders, number formatting, the "?"
 * explanations, the API calls with the session's CSRF token, and login.
 * app.js fills hooks with its routing functions for the lazily loaded
 * screens (forms.js, map.js). */
import { t, getLang } from './i18n.js';

export const state = {
  csrf: null, loggedIn: false,
  data: {}, raw: {},          // last answer of each read, parsed and as text
  open: new Set(),            // ids of help paragraphs left open
  filter: '', wizard: null, flash: '',
};

export const hooks = { refresh: async () => {}, paint: () => {}, header: () => {} };

/* ---------- elements ---------- */

export function h(tag, props, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v == null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k === 'testid') el.dataset.testid = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (typeof v !== 'string' && k in el) el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  add(el, kids);
  return el;
}

export function add(el, kids) {
  for (const k of kids.flat(Infinity)) {
    if (k == null || k === false) continue;
    el.append(k instanceof Node ? k : String(k));
  }
  return el;
}

export function svgEl(tag, attrs, ...kids) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v != null && v !== false) el.setAttribute(k, String(v));
  }
  return add(el, kids);
}

const ICONS = { ok: 'M5 12.5l4.5 4.5L19 7.5', bad: 'M6 6l12 12M18 6L6 18', warn: 'M12 4l9 16H3zM12 10v4M12 17v.5' };

export function icon(name) {
  return svgEl('svg', { viewBox: '0 0 24 24', width: 28, height: 28, class: 'icon', 'aria-hidden': 'true',
    focusable: 'false', fill: 'none', stroke: 'currentColor', 'stroke-width': 2.5,
    'stroke-linecap': 'round', 'stroke-linejoin': 'round' }, svgEl('path', { d: ICONS[name] }));
}

/* ---------- formatting ---------- */

export const known = (v) => v !== null && v !== undefined;
const round1 = (x) => (x >= 10 ? Math.round(x) : Math.round(x * 10) / 10);
export const num = (v) => (known(v) ? new Intl.NumberFormat(getLang()).format(v) : t('unknown'));
export const pct = (v) => (known(v) ? t('pct', { n: Math.round(v) }) : t('unknown'));
export const quality = (p) => (p >= 80 ? 'good' : p >= 40 ? 'fair' : 'weak');

export function rate(kbit) {
  if (!known(kbit)) return t('unknown');
  if (kbit >= 1e6) return t('rate.gbit', { n: round1(kbit / 1e6) });
  if (kbit >= 1000) return t('rate.mbit', { n: round1(kbit / 1000) });
  return t('rate.kbit', { n: kbit });
}

/* "2 hours 5 minutes": the largest unit and, with parts 2, the next one
 * when it is not zero. */
export function duration(sec, parts = 2) {
  if (!known(sec)) return t('unknown');
  const units = [[86400, 'unit.day'], [3600, 'unit.hour'], [60, 'unit.minute'], [1, 'unit.second']];
  const s = Math.max(0, Math.floor(sec));
  const i = Math.max(0, units.findIndex(([size]) => s >= size));
  const first = Math.floor(s / units[i][0]);
  const out = [t(units[i][1], { n: first })];
  if (parts > 1 && i + 1 < units.length) {
    const next = Math.floor((s - first * units[i][0]) / units[i + 1][0]);
    if (next > 0) out.push(t(units[i + 1][1], { n: next }));
  }
  return out.join(' ');
}

export function secondsAgo(ms) {
  if (!known(ms)) return t('unknown');
  const s = ms / 1000;
  return t('unit.second', { n: s < 10 ? Math.round(s * 10) / 10 : Math.round(s) });
}

/* ---------- the "?" explanations ---------- */

export function helpPair(key, uid, labelId) {
  const id = 'help-' + uid;
  const open = state.open.has(id);
  const p = h('p', { id, class: 'help-text', testid: 'help-text', hidden: !open, text: t('help.' + key) });
  const b = h('button', {
    type: 'button', class: 'help', id: id + '-b', testid: 'help-button', 'aria-label': t('help.button'),
    'aria-expanded': String(open), 'aria-controls': id, 'aria-describedby': labelId,
    onclick: () => {
      const show = p.hidden;
      p.hidden = !show;
      b.setAttribute('aria-expanded', String(show));
      if (show) state.open.add(id); else state.open.delete(id);
    },
  }, h('span', { 'aria-hidden': 'true', text: '?' }));
  return [b, p];
}

/* A labelled value with its explanation: "Devices on this node  2  (?)".
 * A wide value (an address, two speeds) goes on a line of its own. */
export function stat(label, value, help, uid, testid, wide) {
  const lid = 'k-' + uid;
  const [b, p] = helpPair(help, uid, lid);
  return h('div', { class: wide ? 'stat wide' : 'stat' },
    h('div', { class: 'stat-row' },
      h('span', { class: 'k', id: lid, text: label }),
      h('span', { class: 'v', testid, text: value }), b),
    p);
}

export function card(titleText, uid, ...kids) {
  return h('section', { class: 'card', 'aria-labelledby': 'h-' + uid },
    h('h2', { id: 'h-' + uid, text: titleText }), kids);
}

/* ---------- API ---------- */

export class HttpError extends Error {
  constructor(status, msg) { super(msg); this.status = status; }
}

export async function getText(name) {
  const r = await fetch('/api/' + name, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (!r.ok) {
    let msg = '';
    try { msg = (await r.json()).error; } catch { /* not JSON */ }
    throw new HttpError(r.status, msg || String(r.status));
  }
  return r.text();
}

export async function post(path, body) {
  let r;
  try {
    r = await fetch(path, {
      method: 'POST', credentials: 'same-origin', body: JSON.stringify(body),
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': state.csrf || '' },
    });
  } catch {
    return { ok: false, status: 0, body: { error: t('conn.lost') }, headers: new Headers() };
  }
  let j = {};
  try { j = await r.json(); } catch { /* empty or not JSON */ }
  return { ok: r.ok, status: r.status, body: j || {}, headers: r.headers };
}

/* A change that needs a session: log in first if there is none, and once
 * more if the server refused the token (403: session gone or expired).
 * Null when the person gave up. */
export async function authPost(path, body) {
  if (!state.csrf && !(await loginDialog())) return null;
  let r = await post(path, body);
  if (r.status === 403) {
    forget();
    if (!(await loginDialog())) return null;
    r = await post(path, body);
  }
  return r;
}

export function forget() {
  state.csrf = null;
  state.loggedIn = false;
}

export async function recoverSession() {
  try {
    const se = JSON.parse(await getText('session'));
    state.loggedIn = !!se.logged_in;
    state.csrf = se.csrf || null;
  } catch { /* the next status tells */ }
}

/* Fetches reads; returns the names whose answer changed. */
export async function load(names) {
  const changed = [];
  await Promise.all([...new Set(names)].map(async (n) => {
    try {
      const text = await getText(n);
      setConn(true);
      if (text === state.raw[n]) return;
      state.data[n] = JSON.parse(text);
      state.raw[n] = text;
      changed.push(n);
    } catch (e) {
      setConn(e instanceof HttpError);
    }
  }));
  const s = state.data.status;
  if (changed.includes('status')) {
    if (s.logged_in === false) forget();
    if (s.logged_in && !state.csrf) await recoverSession();
    hooks.header();
  }
  return changed;
}

function setConn(ok) {
  document.getElementById('conn').hidden = ok;
}

/* ---------- login ---------- */

export function loginForm(idp, onDone, onCancel) {
  const pid = idp + '-password';
  const err = h('p', { class: 'msg err', role: 'alert', testid: 'login-error' });
  const pw = h('input', { type: 'password', id: pid, name: 'password', autocomplete: 'current-password',
    required: true, testid: 'login-password' });
  const submit = h('button', { type: 'submit', class: 'btn primary', testid: 'login-submit', text: t('login.submit') });
  const form = h('form', { class: 'login', testid: 'login-form', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: pid, text: t('login.password') }), pw),
    err,
    h('div', { class: 'actions' },
      onCancel && h('button', { type: 'button', class: 'btn', testid: 'login-cancel', text: t('login.cancel'), onclick: onCancel }),
      submit));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    err.textContent = '';
    if (!pw.value) { err.textContent = t('login.empty'); pw.focus(); return; }
    submit.disabled = true;
    const r = await post('/api/login', { password: pw.value });
    submit.disabled = false;
    if (r.ok && r.body.csrf) {
      state.csrf = r.body.csrf;
      state.loggedIn = true;
      state.flash = '';
      hooks.header();
      onDone();
    } else if (r.status === 403) {
      err.textContent = t('login.wrong');
      pw.select();
    } else if (r.status === 429) {
      const n = parseInt(r.headers.get('Retry-After'), 10);
      err.textContent = t('login.limited', { n: n > 0 ? n : 60 });
    } else {
      err.textContent = r.body.error || t('error.http', { code: r.status });
    }
  });
  return form;
}

export function loginDialog() {
  return new Promise((resolve) => {
    const dlg = h('dialog', { class: 'dialog', 'aria-labelledby': 'dlg-title', testid: 'login-dialog' });
    const close = (ok) => { dlg.close(); dlg.remove(); resolve(ok); };
    dlg.addEventListener('cancel', (e) => { e.preventDefault(); close(false); });
    dlg.append(h('h2', { id: 'dlg-title', text: t('login.title') }),
      h('p', { text: t('login.needed') }),
      loginForm('dlg', () => close(true), () => close(false)));
    document.body.append(dlg);
    dlg.showModal();
    document.getElementById('dlg-password').focus();
  });
}
