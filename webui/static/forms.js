/* The Settings screen and the first-run wizard: loaded only when one of
 * them is opened. */
import { t } from './i18n.js';
import { state, hooks, h, post, authPost, forget, load, loginForm } from './kit.js';

const FIELD_LABEL = { hostname: 'set.hostname', ap_ssid: 'set.ssid', gateway: 'set.gateway.short',
  gateway_bandwidth: 'set.bw', preferred_gateway: 'set.pref', password: 'set.pw.short' };

/* ---------- settings ---------- */

export function buildSettings(v) {
  let mode = '';
  let form = null;
  return (d) => {
    const want = state.loggedIn ? 'form' : 'login';
    if (want !== mode) {
      mode = want;
      form = want === 'form' ? settingsForm(d) : null;
      v.body.replaceChildren(form ? form.el : loginCard());
    } else if (form) form.refill(d);
  };
}

function loginCard() {
  return h('section', { class: 'card', 'aria-labelledby': 'login-title' },
    h('h2', { id: 'login-title', text: t('login.title') }),
    state.flash && h('p', { class: 'msg ok', role: 'status', text: state.flash }),
    h('p', { text: t('set.login.intro') }),
    loginForm('set', () => { hooks.paint(); document.getElementById('f-hostname')?.focus(); }));
}

function field(id, label, hint, control) {
  return h('div', { class: 'field' },
    h('label', { for: id, text: label }),
    hint && h('p', { class: 'hint', id: id + '-hint', text: hint }),
    control);
}

function textInput(id, testid, extra) {
  return h('input', { type: 'text', id, testid, autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false',
    'aria-describedby': id + '-hint', ...extra });
}

function settingsForm(d) {
  let base = d.settings || {};
  let dirty = false;
  const ok = h('p', { class: 'msg ok', role: 'status', testid: 'settings-ok' });
  const err = h('p', { class: 'msg err', role: 'alert', testid: 'settings-error' });
  const save = h('button', { type: 'submit', class: 'btn primary wide', testid: 'settings-save', text: t('set.save') });
  const group = (legend, ...kids) => h('fieldset', { class: 'card' }, h('legend', { text: t(legend) }), kids);
  const el = h('form', { class: 'settings', testid: 'settings-form', novalidate: true },
    group('set.g.node', field('f-hostname', t('set.hostname'), t('set.hostname.hint'),
      textInput('f-hostname', 'settings-hostname', { maxlength: 63 }))),
    group('set.g.net', field('f-ssid', t('set.ssid'), t('set.ssid.hint'),
      textInput('f-ssid', 'settings-ssid', { maxlength: 32 }))),
    group('set.g.gw',
      h('div', { class: 'switch-field' },
        h('input', { type: 'checkbox', id: 'f-gw', role: 'switch', testid: 'settings-gateway', 'aria-describedby': 'f-gw-hint' }),
        h('label', { for: 'f-gw', text: t('set.gateway') })),
      h('p', { class: 'hint', id: 'f-gw-hint', text: t('set.gateway.hint') }),
      field('f-bw', t('set.bw'), t('set.bw.hint'), textInput('f-bw', 'settings-bandwidth')),
      field('f-pref', t('set.pref'), t('set.pref.hint'),
        h('select', { id: 'f-pref', testid: 'settings-preferred', 'aria-describedby': 'f-pref-hint' }))),
    group('set.g.admin',
      h('p', { class: 'hint', id: 'f-pw-hint', text: t('set.pw.hint') }),
      field('f-pw', t('set.pw'), '', h('input', { type: 'password', id: 'f-pw', autocomplete: 'new-password',
        testid: 'settings-password', 'aria-describedby': 'f-pw-hint' })),
      field('f-pw2', t('set.pw2'), '', h('input', { type: 'password', id: 'f-pw2', autocomplete: 'new-password',
        testid: 'settings-password2' }))),
    err, ok, save);
  const f = (id) => el.querySelector('#' + id);

  function fill(dd) {
    base = dd.settings || base;
    f('f-hostname').value = base.hostname || '';
    f('f-ssid').value = base.ap_ssid || '';
    f('f-gw').checked = !!base.gateway;
    f('f-bw').value = base.gateway_bandwidth || '';
    const names = [...new Set(((dd.gateways && dd.gateways.gateways) || []).map((g) => g.name).filter(Boolean))].sort();
    const cur = base.preferred_gateway || 'auto';
    if (cur !== 'auto' && !names.includes(cur)) names.push(cur);
    f('f-pref').replaceChildren(h('option', { value: 'auto', text: t('set.pref.auto') }),
      ...names.map((n) => h('option', { value: n, text: n })));
    f('f-pref').value = cur;
  }

  /* Only what differs from what the node has now; a string is an error. */
  function changes() {
    const body = {};
    const hostname = f('f-hostname').value.trim();
    if (hostname !== (base.hostname || '')) body.hostname = hostname;
    if (f('f-ssid').value !== (base.ap_ssid || '')) body.ap_ssid = f('f-ssid').value;
    if (f('f-gw').checked !== !!base.gateway) body.gateway = f('f-gw').checked;
    const bw = f('f-bw').value.trim();
    if (bw !== (base.gateway_bandwidth || '')) body.gateway_bandwidth = bw;
    if (f('f-pref').value !== (base.preferred_gateway || 'auto')) body.preferred_gateway = f('f-pref').value;
    const pw = f('f-pw').value;
    if (pw || f('f-pw2').value) {
      const e = passwordProblem(pw, f('f-pw2').value);
      if (e) return e;
      body.password = pw;
    }
    return body;
  }

  fill(d);
  el.addEventListener('input', () => { dirty = true; });
  el.addEventListener('change', () => { dirty = true; });
  el.addEventListener('submit', async (e) => {
    e.preventDefault();
    ok.textContent = '';
    err.textContent = '';
    const body = changes();
    if (typeof body === 'string') { err.textContent = body; return; }
    if (!Object.keys(body).length) { ok.textContent = t('set.nothing'); return; }
    save.disabled = true;
    save.textContent = t('set.saving');
    const r = await authPost('/api/settings', body);
    save.disabled = false;
    save.textContent = t('set.save');
    if (!r) return;
    if (!r.ok) { err.textContent = r.body.error || t('error.http', { code: r.status }); return; }
    ok.textContent = savedText(r.body);
    f('f-pw').value = '';
    f('f-pw2').value = '';
    dirty = false;
    await hooks.refresh(['settings', 'status', 'gateways'], true);
  });

  const logout = h('section', { class: 'card', 'aria-labelledby': 'logout-h' },
    h('h2', { id: 'logout-h', text: t('set.session') }),
    h('button', { type: 'button', class: 'btn wide', testid: 'settings-logout', text: t('set.logout'), onclick: logOut }));
  return { el: h('div', {}, el, logout), refill(dd) { if (!dirty) fill(dd); } };
}

function passwordProblem(pw, pw2) {
  const bytes = new TextEncoder().encode(pw).length;
  if (bytes < 8) return t('pw.short');
  if (bytes > 128) return t('pw.long');
  if (pw !== pw2) return t('pw.mismatch');
  return '';
}

function savedText(b) {
  const label = (n) => (FIELD_LABEL[n] ? t(FIELD_LABEL[n]) : n);
  const parts = [t('set.ok')];
  if (b.applied && b.applied.length) parts.push(t('set.applied', { list: b.applied.map(label).join(', ') }));
  if (b.restarted && b.restarted.length) parts.push(t('set.restarted', { list: b.restarted.join(', ') }));
  return parts.join(' ');
}

async function logOut() {
  await post('/api/logout', {});
  forget();
  state.flash = t('set.loggedout');
  hooks.header();
  hooks.paint();
  document.getElementById('set-password')?.focus();
}

/* ---------- first-run wizard ---------- */

export function buildSetup(v) {
  const w = state.wizard || (state.wizard = { step: 1, hostname: null, ap_ssid: null });
  let shown = false;

  function input(id, testid, value, type) {
    return h('input', { type, id, testid, value, autocomplete: type === 'password' ? 'new-password' : 'off',
      autocapitalize: 'none', spellcheck: 'false', 'aria-describedby': 'setup-text' });
  }

  function step() {
    const node = (state.data.status && state.data.status.node) || {};
    if (w.hostname === null) { w.hostname = node.hostname || ''; w.ap_ssid = node.cloud || ''; }
    const err = h('p', { class: 'msg err', role: 'alert', testid: 'setup-error' });
    const last = w.step === 3;
    const next = h('button', { type: 'submit', class: 'btn primary', testid: last ? 'setup-finish' : 'setup-next',
      text: t(last ? 'setup.finish' : 'setup.next') });
    const back = w.step > 1 && h('button', { type: 'button', class: 'btn', testid: 'setup-back', text: t('setup.back'),
      onclick: () => { w.step -= 1; step(); } });
    const fields = {
      1: [field('s-host', t('set.hostname'), '', input('s-host', 'setup-hostname', w.hostname, 'text'))],
      2: [field('s-ssid', t('set.ssid'), '', input('s-ssid', 'setup-ssid', w.ap_ssid, 'text'))],
      3: [field('s-pw', t('set.pw.short'), '', input('s-pw', 'setup-password', '', 'password')),
        field('s-pw2', t('set.pw2'), '', input('s-pw2', 'setup-password2', '', 'password'))],
    }[w.step];
    const form = h('form', { class: 'card wizard', novalidate: true, 'aria-labelledby': 'setup-h' },
      h('h2', { id: 'setup-h', text: t('setup.' + w.step + '.title') }),
      h('p', { id: 'setup-text', text: t('setup.' + w.step + '.text') }),
      fields, err,
      h('div', { class: 'actions' }, back, next));
    form.addEventListener('submit', (e) => { e.preventDefault(); submit(form, err, next); });
    v.body.replaceChildren(progress(w.step), form);
    if (shown) form.querySelector('input').focus();
    shown = true;
  }

  async function submit(form, err, btn) {
    err.textContent = '';
    const val = (id) => form.querySelector('#' + id).value;
    if (w.step === 1) {
      w.hostname = val('s-host').trim();
      if (!w.hostname) { err.textContent = t('setup.need.hostname'); return; }
      w.step = 2;
      step();
      return;
    }
    if (w.step === 2) {
      w.ap_ssid = val('s-ssid');
      if (!w.ap_ssid) { err.textContent = t('setup.need.ssid'); return; }
      w.step = 3;
      step();
      return;
    }
    const problem = passwordProblem(val('s-pw'), val('s-pw2'));
    if (problem) { err.textContent = problem; return; }
    btn.disabled = true;
    const r = await post('/api/setup', { hostname: w.hostname, ap_ssid: w.ap_ssid, password: val('s-pw') });
    btn.disabled = false;
    if (r.ok || r.status === 409) {
      if (r.body.csrf) { state.csrf = r.body.csrf; state.loggedIn = true; }
      state.wizard = null;
      await load(['status']);
      location.hash = '#/';
      return;
    }
    err.textContent = r.body.error || t('error.http', { code: r.status });
  }

  return () => { if (!shown) step(); };
}

function progress(n) {
  return h('div', { class: 'progress' },
    h('p', { testid: 'setup-step', 'data-step': String(n), text: t('setup.step', { n }) }),
    h('div', { class: 'dots', 'aria-hidden': 'true' },
      [1, 2, 3].map((i) => h('span', { class: i <= n ? 'dot on' : 'dot' }))));
}
