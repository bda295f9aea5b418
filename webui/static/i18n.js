/* Strings of the web interface: English (i18n-en.js) and Spanish
 * (i18n-es.js), one file per language so that a phone loads only the one it
 * shows. A value is a string with {name} placeholders, or {one, other}
 * chosen by the language's plural rules for the number {n}. Keys help.* are
 * the explanations behind the "?" buttons. No browser global is touched, so
 * tests import this under node too. */

export const LANGS = ['en', 'es'];
const table = {};
let cur = 'en';

export async function loadLang(l) {
  if (!table[l]) table[l] = (await import(`./i18n-${l}.js`)).default;
  return table[l];
}

export async function setLang(l) {
  const want = LANGS.includes(l) ? l : 'en';
  await loadLang(want);
  cur = want;
}

export function getLang() { return cur; }

/* The table of a loaded language (for tests). */
export function strings(l) { return table[l]; }

/* A saved choice wins; else the first of the browser's languages we have. */
export function pickLang(saved, prefs) {
  if (LANGS.includes(saved)) return saved;
  for (const p of prefs || []) {
    const base = String(p).toLowerCase().split('-')[0];
    if (LANGS.includes(base)) return base;
  }
  return 'en';
}

export function t(key, vars, lang = cur) {
  let s = table[lang] && table[lang][key];
  if (s === undefined) return key;
  if (typeof s === 'object') s = s[new Intl.PluralRules(lang).select(vars ? vars.n : 0)] ?? s.other;
  return s.replace(/\{(\w+)\}/g, (m, k) => {
    const v = vars ? vars[k] : undefined;
    if (v === undefined || v === null) return m;
    return typeof v === 'number' ? new Intl.NumberFormat(lang).format(v) : String(v);
  });
}
