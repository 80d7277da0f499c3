import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AtFramer } from '../../src/at/framer.js';
import { MmsgwError } from '../../src/util/errors.js';
import { parseCsq } from '../../src/modem/commands/csq.js';
import { parseCesq } from '../../src/modem/commands/cesq.js';
import { parseRegistrationUrc } from '../../src/modem/commands/creg.js';
import { parseCops } from '../../src/modem/commands/cops.js';
import { parseCpmsQuery, parseCpmsSupported } from '../../src/modem/commands/cpms.js';
import { parseCmgl } from '../../src/modem/commands/cmgl.js';
import { parseCmgr } from '../../src/modem/commands/cmgr.js';
import { parseCnum } from '../../src/modem/commands/cnum.js';
import { parseCsms } from '../../src/modem/commands/csms.js';
import { parseGstatus } from '../../src/modem/profiles/sierra.js';
import { pduKind } from '../../src/modem/sms-inbox.js';
import { decodeCmeError, decodeCmsError } from '../../src/at/error-codes.js';

/** A small deterministic PRNG (xorshift32) so a failure can be replayed. */
function rng(seed: number): () => number {
  let x = seed || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

const ALPHABET = ['+CSQ:', '+CESQ:', '+CREG:', '+CEREG:', '+COPS:', '+CPMS:', '+CMGL:', '+CMGR:', '+CNUM:', '+CSMS:', '"', ',', '(', ')', '0', '1', '99', '255', '-', 'A', 'F', ' ', '\t', 'RSRP (dBm):', '\r', '\n'];

function randomLine(next: () => number): string {
  let s = '';
  const n = Math.floor(next() * 12);
  for (let i = 0; i < n; i++) s += ALPHABET[Math.floor(next() * ALPHABET.length)];
  return s;
}

test('every parser yields a value or an MmsgwError on arbitrary lines', () => {
  const next = rng(0xa7c0de);
  const parsers: Array<(lines: string[]) => unknown> = [
    parseCsq, parseCesq, parseCops, parseCpmsQuery, parseCpmsSupported, parseCmgl, (l) => parseCmgr(1, l), parseCnum, parseCsms, parseGstatus,
    (l) => l.map(parseRegistrationUrc), (l) => l.map(pduKind), (l) => l.map((x) => [decodeCmeError(x), decodeCmsError(x)]),
  ];
  for (let i = 0; i < 3000; i++) {
    const lines = Array.from({ length: 1 + Math.floor(next() * 3) }, () => randomLine(next));
    for (const parse of parsers) {
      try {
        parse(lines);
      } catch (e) {
        assert.ok(e instanceof MmsgwError, `${String(e)} for ${JSON.stringify(lines)}`);
      }
    }
  }
});

test('the framer takes any byte stream, cut anywhere, without throwing or growing without bound', () => {
  const next = rng(0x5eed);
  let frames = 0;
  const f = new AtFramer(() => frames++, { maxLineLength: 256 });
  for (let i = 0; i < 2000; i++) {
    const chunk = Buffer.alloc(1 + Math.floor(next() * 64));
    for (let j = 0; j < chunk.length; j++) chunk[j] = next() < 0.2 ? [0x0d, 0x0a, 0x3e, 0x20][Math.floor(next() * 4)]! : Math.floor(next() * 256);
    f.expectPrompt = next() < 0.1;
    f.push(chunk);
  }
  assert.ok(frames > 0);
});
