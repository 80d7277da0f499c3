/**
 * A strict reader of the Prometheus text exposition format 0.0.4 (prometheus.io/docs/
 * instrumenting/exposition_formats), written character by character and independent of
 * prom-client, for tests. promtool is not installed on this machine; this is what the tests
 * check the /metrics text with. Throws on anything the format does not allow.
 */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Family {
  readonly name: string;
  type: string;
  help: string;
  readonly samples: Sample[];
}

const isNameStart = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c === ':';
const isNameChar = (c: string): boolean => isNameStart(c) || (c >= '0' && c <= '9');
const isLabelStart = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
const isLabelChar = (c: string): boolean => isLabelStart(c) || (c >= '0' && c <= '9');

function readName(line: string, i: number, label: boolean): [string, number] {
  const start = i;
  if (i >= line.length || !(label ? isLabelStart(line[i]!) : isNameStart(line[i]!))) throw new Error(`bad name at ${i}: ${line}`);
  while (i < line.length && (label ? isLabelChar(line[i]!) : isNameChar(line[i]!))) i++;
  return [line.slice(start, i), i];
}

function readValue(tok: string, line: string): number {
  if (tok === '+Inf') return Infinity;
  if (tok === '-Inf') return -Infinity;
  if (tok === 'NaN') return NaN;
  const n = Number(tok);
  if (tok === '' || Number.isNaN(n)) throw new Error(`bad value '${tok}': ${line}`);
  return n;
}

function readSample(line: string): Sample {
  const parsed = readName(line, 0, false);
  const name = parsed[0];
  let i = parsed[1];
  const labels: Record<string, string> = {};
  if (line[i] === '{') {
    i++;
    while (line[i] !== '}') {
      let key: string;
      [key, i] = readName(line, i, true);
      if (line[i] !== '=' || line[i + 1] !== '"') throw new Error(`expected =" after label ${key}: ${line}`);
      i += 2;
      let v = '';
      for (;;) {
        const c = line[i];
        if (c === undefined) throw new Error(`unterminated label value: ${line}`);
        if (c === '"') break;
        if (c === '\\') {
          const e = line[i + 1];
          if (e === 'n') v += '\n';
          else if (e === '\\' || e === '"') v += e;
          else throw new Error(`bad escape in label value: ${line}`);
          i += 2;
        } else {
          v += c;
          i++;
        }
      }
      i++;
      if (key in labels) throw new Error(`label ${key} twice: ${line}`);
      labels[key] = v;
      if (line[i] === ',') i++;
      else if (line[i] !== '}') throw new Error(`expected , or } at ${i}: ${line}`);
    }
    i++;
  }
  if (line[i] !== ' ') throw new Error(`expected a space before the value: ${line}`);
  const rest = line.slice(i + 1).split(' ');
  if (rest.length < 1 || rest.length > 2) throw new Error(`expected value [timestamp]: ${line}`);
  const value = readValue(rest[0]!, line);
  if (rest.length === 2 && !Number.isInteger(Number(rest[1]))) throw new Error(`bad timestamp: ${line}`);
  return { name, labels, value };
}

const TYPES = ['counter', 'gauge', 'histogram', 'summary', 'untyped'];

/** Families by name, in order; a sample must follow its family's TYPE line. */
export function parseExposition(text: string): Map<string, Family> {
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a line feed');
  const families = new Map<string, Family>();
  let current: Family | undefined;
  for (const line of text.slice(0, -1).split('\n')) {
    if (line === '') continue;
    if (line.startsWith('# ')) {
      const [kw, name, ...rest] = line.slice(2).split(' ');
      if (kw !== 'HELP' && kw !== 'TYPE') continue;
      if (name === undefined || readName(name, 0, false)[1] !== name.length) throw new Error(`bad metric name in: ${line}`);
      const f = families.get(name) ?? { name, type: 'untyped', help: '', samples: [] };
      families.set(name, f);
      if (kw === 'TYPE') {
        if (f.samples.length > 0) throw new Error(`TYPE after samples: ${line}`);
        if (!TYPES.includes(rest.join(' '))) throw new Error(`bad type: ${line}`);
        f.type = rest.join(' ');
      } else f.help = rest.join(' ');
      current = f;
      continue;
    }
    if (line.startsWith('#')) continue;
    const s = readSample(line);
    const base = current?.name;
    const suffixOk =
      base !== undefined &&
      (s.name === base ||
        (current?.type === 'histogram' && [`${base}_bucket`, `${base}_sum`, `${base}_count`].includes(s.name)) ||
        (current?.type === 'summary' && [`${base}_sum`, `${base}_count`].includes(s.name)));
    if (!current || !suffixOk) throw new Error(`sample ${s.name} outside its family (${base ?? 'none'})`);
    current.samples.push(s);
  }
  for (const f of families.values()) if (f.type === 'histogram') checkHistogram(f);
  return families;
}

/** Buckets cumulative, `le="+Inf"` present and equal to `_count`, per label set. */
function checkHistogram(f: Family): void {
  const groups = new Map<string, Sample[]>();
  for (const s of f.samples) {
    if (s.name !== `${f.name}_bucket`) continue;
    const { le, ...rest } = s.labels;
    if (le === undefined) throw new Error(`${f.name}_bucket without le`);
    const k = JSON.stringify(rest);
    groups.set(k, [...(groups.get(k) ?? []), s]);
  }
  for (const [k, buckets] of groups) {
    let prevLe = -Infinity;
    let prev = 0;
    for (const b of buckets) {
      const le = readValue(b.labels.le!, b.name);
      if (le <= prevLe || b.value < prev) throw new Error(`${f.name} buckets not cumulative for ${k}`);
      prevLe = le;
      prev = b.value;
    }
    if (prevLe !== Infinity) throw new Error(`${f.name} lacks le="+Inf" for ${k}`);
    const count = f.samples.find((s) => s.name === `${f.name}_count` && JSON.stringify(s.labels) === k);
    if (count?.value !== prev) throw new Error(`${f.name}_count differs from the +Inf bucket for ${k}`);
  }
}
