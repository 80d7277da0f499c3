import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isMap, isPair, isScalar, parse as parseYaml, parseDocument, type YAMLMap } from 'yaml';
import { configSchema, parseConfig } from '../../src/config/index.js';
import { wrapped, type ZodDef } from '../../src/config/issues.js';

/**
 * docs/CONFIG.md "Sections" and config/mmsgw.example.yaml against the schema itself: one table
 * row per section, in the schema's order; every key the schema accepts named in its section's
 * row and in the example file; no key named in the table that the schema does not accept.
 */

const CONFIG_MD = readFileSync(new URL('../../docs/CONFIG.md', import.meta.url), 'utf8');
const EXAMPLE = readFileSync(new URL('../../config/mmsgw.example.yaml', import.meta.url), 'utf8');


/**
 * Every key path the schema accepts, read from the zod definitions (not from a parsed file):
 * `mail.in.imap.port`, `modems[].usb.vendorId`, … An array's elements are `[]`; a free-form map
 * (`bearer.hosts`, `mail.out.addressBook`) ends the path, its keys being the user's.
 */
function acceptedPaths(schema: unknown, values?: Set<string>, ranges?: Map<string, readonly [number, number]>): string[] {
  const out: string[] = [];
  const visit = (s: unknown, path: string): void => {
    const def = (s as { _zod?: { def?: ZodDef } } | undefined)?._zod?.def;
    if (!def) return;
    const inner = wrapped(def);
    if (inner !== undefined) {
      for (const i of inner) visit(i, path);
      return;
    }
    switch (def.type) {
      case 'array':
        visit(def.element, `${path}[]`);
        return;
      case 'object':
        for (const [k, v] of Object.entries(def.shape ?? {})) {
          const p = path === '' ? k : `${path}.${k}`;
          if (!out.includes(p)) out.push(p);
          visit(v, p);
        }
        return;
      case 'enum':
        for (const v of Object.values(def.entries ?? {})) values?.add(String(v));
        return;
      case 'number': {
        const n = s as { minValue: number | null; maxValue: number | null };
        if (n.minValue !== null && n.maxValue !== null) ranges?.set(path, [n.minValue, n.maxValue]);
        return;
      }
      default:
        return;
    }
  };
  visit(schema, '');
  return out;
}

/** `a.b[].c` → `c`. */
const keyName = (path: string): string => path.slice(path.lastIndexOf('.') + 1).replace(/\[\]$/, '');
/** The key as a word of its own (not part of a longer name). */
const names = (text: string, key: string): boolean => new RegExp(`(?<![A-Za-z0-9_])${key}(?![A-Za-z0-9_])`).test(text);

/** The choices of every enum setting (quick, full, off, resend, hold, …). */
const CHOICES = new Set<string>();
/** The range of every number setting. */
const RANGES = new Map<string, readonly [number, number]>();
const PATHS = acceptedPaths(configSchema, CHOICES, RANGES);
const TOP_LEVEL = PATHS.filter((p) => !p.includes('.') && !p.includes('['));
const KEY_NAMES = new Set(PATHS.map(keyName));

interface Row {
  readonly sections: readonly string[];
  readonly what: string;
  readonly line: string;
}

/** The rows of the table under "## Sections". */
function sectionRows(md: string): Row[] {
  const start = md.indexOf('\n## Sections\n');
  assert.notEqual(start, -1, 'docs/CONFIG.md has a "## Sections" heading');
  const rest = md.slice(start + 1);
  const next = rest.indexOf('\n## ', 1);
  const body = next === -1 ? rest : rest.slice(0, next);
  return body
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .map((line) => {
      const cells = line.split(' | ');
      assert.equal(cells.length, 3, `a row of three cells (section | what | defaults): ${line.slice(0, 60)}…`);
      const first = cells[0] ?? '';
      return { sections: [...first.matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? ''), what: cells[1] ?? '', line };
    });
}

/**
 * The row documenting `path`: the longest section of the table that `path` lies in. `modems[]`
 * entries take "every key of `modem`" and whole `bearer` / `mmsc` sections, as its row says:
 * those keys are the ones documented in the `modem`, `bearer` and `mmsc` rows.
 */
function documentedAs(path: string): string {
  const m = /^modems\[\]\.(bearer|mmsc)(\..*)?$/.exec(path);
  if (m?.[2] !== undefined) return `${m[1] ?? ''}${m[2]}`;
  const single = path.replace(/^modems\[\]\./, 'modem.');
  if (path.startsWith('modems[].') && PATHS.includes(single)) return single;
  return path;
}

function rowOf(rows: readonly Row[], path: string): Row | undefined {
  let best: { row: Row; len: number } | undefined;
  for (const row of rows) {
    for (const s of row.sections) {
      if ((path === s || path.startsWith(`${s}.`) || path.startsWith(`${s}[]`)) && s.length > (best?.len ?? -1)) best = { row, len: s.length };
    }
  }
  return best?.row;
}

test('the schema walk finds every key of the defaulted configuration (the walk itself is sound)', () => {
  const leaves: string[] = [];
  const walk = (v: unknown, path: string): void => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return;
    for (const [k, x] of Object.entries(v)) {
      const p = path === '' ? k : `${path}.${k}`;
      leaves.push(p);
      if (p !== 'bearer.hosts' && p !== 'mail.out.addressBook') walk(x, p);
    }
  };
  walk(parseConfig({}), '');
  assert.ok(leaves.length > 150, `the defaults have ${leaves.length} keys`);
  assert.deepEqual(leaves.filter((p) => !PATHS.includes(p)), []);
  // Keys only inside lists or sections that default to null are found too.
  for (const p of ['mail.out.smtp.auth.oauth2.refreshToken', 'modems[].usb.vendorId', 'mm7.vasps[].passwordHash', 'webhooks.targets[].secret', 'web.tls.cert']) {
    assert.ok(PATHS.includes(p), p);
  }
});

test('docs/CONFIG.md "Sections" has one row per section, in the order of the schema', () => {
  const rows = sectionRows(CONFIG_MD);
  const listed = rows.flatMap((r) => r.sections);
  const twice = [...new Set(listed.filter((s, i) => listed.indexOf(s) !== i))];
  assert.deepEqual(twice, [], `sections with more than one row: ${twice.join(', ')}`);
  for (const s of listed) assert.ok(PATHS.includes(s), `'${s}' is a section of the schema`);
  // Every top-level key has its row (or a row of its own subsections, like `mail.out`).
  const missing = TOP_LEVEL.filter((k) => !listed.some((s) => s === k || s.startsWith(`${k}.`)));
  assert.deepEqual(missing, []);
  const order = (s: string): number => PATHS.indexOf(s);
  assert.deepEqual(listed, [...listed].sort((a, b) => order(a) - order(b)), 'rows in the order of the schema');
});

test('docs/CONFIG.md "Sections" names every key the schema accepts in its section\'s row', () => {
  const rows = sectionRows(CONFIG_MD);
  const sections = rows.flatMap((r) => r.sections);
  // No key is exempt: none is internal.
  const unnamed = PATHS.filter((p) => {
    if (sections.some((s) => s.startsWith(`${p}.`))) return false; // `mail`: its rows are `mail.out` and `mail.in`
    const documented = documentedAs(p);
    const row = rowOf(rows, documented);
    return row === undefined || !names(row.line, keyName(documented));
  });
  assert.deepEqual(unnamed, []);
});

test('docs/CONFIG.md "Sections" names no key the schema does not accept', () => {
  // In the "what" column a key is written `key` (or `dotted.key`, absolute or within the
  // section); other words in backquotes are choices of a setting (`resend`) or have punctuation
  // (`mmsgw-<box>`); anything else (a scope, a command) is written plainly.
  const allowed = new Set([
    'durability', // storage.durability: added in main alongside this table (docs/STORAGE.md "Durability")
  ]);
  const unknown: string[] = [];
  for (const row of sectionRows(CONFIG_MD)) {
    for (const m of row.what.matchAll(/`([a-z][A-Za-z0-9]*(?:\.[a-z][A-Za-z0-9]*)*)`/g)) {
      const token = m[1] ?? '';
      if (allowed.has(token)) continue;
      const known = token.includes('.')
        ? PATHS.includes(token) || row.sections.some((s) => PATHS.includes(`${s}.${token}`))
        : KEY_NAMES.has(token) || CHOICES.has(token);
      if (!known) unknown.push(`${row.sections.join(', ')}: ${token}`);
    }
  }
  assert.deepEqual(unknown, []);
});

test('config/mmsgw.example.yaml shows every key the schema accepts', () => {
  // Its header promises "every setting with its range and default". Keys of objects present
  // in the file are set there (test/config/config.test.ts checks those); keys of list entries
  // and of sections that default to null (smtp.auth, web.tls, modems[], vasps[], …) are shown
  // in the commented examples, so each one's name must appear in the file's text.
  assert.match(EXAMPLE.split('\n')[0] ?? '', /every setting/);
  const example = parseYaml(EXAMPLE) as Record<string, unknown>;
  const present = (path: string): boolean => {
    let v: unknown = example;
    for (const k of path.split('.')) {
      if (typeof v !== 'object' || v === null || Array.isArray(v) || !(k in v)) return false;
      v = (v as Record<string, unknown>)[k];
    }
    return true;
  };
  const shown = (p: string): boolean => (!p.includes('[]') && present(p)) || names(EXAMPLE, keyName(documentedAs(p)));
  assert.deepEqual(PATHS.filter((p) => !shown(p)), []); // no key is left out on purpose
});

test('config/mmsgw.example.yaml states the schema\'s defaults and ranges', () => {
  // The comment above a key says "Default: <value>" and its range as "min–max" (the first one
  // when it speaks of two keys). A null default may be explained instead ("Default: the host name").
  const defaults = parseConfig({}) as unknown as Record<string, unknown>;
  const valueAt = (path: readonly string[]): unknown => path.reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], defaults);
  const wrong: string[] = [];
  let checked = 0;
  const visit = (map: YAMLMap, path: readonly string[]): void => {
    map.items.forEach((item, i) => {
      if (!isPair(item) || !isScalar(item.key)) return;
      const p = [...path, String(item.key.value)];
      // The comment above the first key of a section is kept as the section's.
      const comment = item.key.commentBefore ?? (i === 0 ? map.commentBefore : undefined) ?? '';
      const value = valueAt(p);
      const said = /Default: ("[^"]*"|[^\s(]+)/.exec(comment)?.[1]?.replace(/^"(.*)"$/, '$1');
      if (said !== undefined && value !== null && typeof value !== 'object') {
        checked++;
        if (said !== String(value)) wrong.push(`${p.join('.')}: says Default: ${said}, the schema's is ${JSON.stringify(value)}`);
      }
      const range = RANGES.get(p.join('.'));
      const stated = /(\d+)–(\d+)/.exec(comment);
      if (range && stated) {
        checked++;
        if (Number(stated[1]) !== range[0] || Number(stated[2]) !== range[1]) wrong.push(`${p.join('.')}: says ${stated[0]}, the schema's range is ${range[0]}–${range[1]}`);
      }
      if (isMap(item.value)) visit(item.value, p);
    });
  };
  visit(parseDocument(EXAMPLE).contents as YAMLMap, []);
  assert.ok(checked > 80, `${checked} defaults and ranges checked`);
  assert.deepEqual(wrong, []);
});

test('docs/CONFIG.md "Sections" states the schema\'s ranges', () => {
  // A range right after a key: `baudRate` 300–4000000. Where one row has two keys of one name
  // (`port` of IMAP and of the SMTP listener), the range must be one of theirs.
  const rows = sectionRows(CONFIG_MD);
  const allowed = new Map<Row, Map<string, Set<string>>>();
  for (const path of PATHS) {
    const range = RANGES.get(path);
    const row = rowOf(rows, documentedAs(path));
    if (!range || !row) continue;
    const byName = allowed.get(row) ?? new Map<string, Set<string>>();
    allowed.set(row, byName);
    const name = keyName(path);
    byName.set(name, (byName.get(name) ?? new Set<string>()).add(`${range[0]}–${range[1]}`));
  }
  const wrong: string[] = [];
  let checked = 0;
  for (const [row, byName] of allowed) {
    for (const m of row.what.matchAll(/`(?:[a-zA-Z]+\.)*([a-zA-Z]+)` (\d+–\d+)/g)) {
      const ranges = byName.get(m[1] ?? '');
      if (!ranges) continue;
      checked++;
      if (!ranges.has(m[2] ?? '')) wrong.push(`${row.sections.join(', ')}: \`${m[1] ?? ''}\` says ${m[2] ?? ''}, the schema's range is ${[...ranges].join(' or ')}`);
    }
  }
  assert.ok(checked > 30, `${checked} ranges checked`);
  assert.deepEqual(wrong, []);
});
