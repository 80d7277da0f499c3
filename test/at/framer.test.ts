import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AtFramer, type Frame } from '../../src/at/framer.js';

function frames(chunks: Array<string | Buffer>, setup?: (f: AtFramer) => void): Frame[] {
  const out: Frame[] = [];
  const f = new AtFramer((x) => out.push(x));
  setup?.(f);
  for (const c of chunks) f.push(typeof c === 'string' ? Buffer.from(c, 'latin1') : c);
  return out;
}

const lines = (fs: Frame[]): string[] => fs.map((f) => (f.kind === 'line' ? f.text : f.kind === 'pdu' ? `pdu:${f.text}` : f.kind === 'prompt' ? '>' : `raw:${f.data.toString('latin1')}`));

test('CR LF, bare CR, bare LF and empty lines', () => {
  assert.deepEqual(lines(frames(['\r\nOK\r\n', 'A\rB\nC\r\n\r\n\n\rD\r\n'])), ['OK', 'A', 'B', 'C', 'D']);
});

test('a line split across reads, and a CR LF split between reads', () => {
  assert.deepEqual(lines(frames(['\r\n+CS', 'Q: 20,99\r', '\nOK', '\r\n'])), ['+CSQ: 20,99', 'OK']);
});

test('merged lines in one read', () => {
  assert.deepEqual(lines(frames(['\r\n+CMTI: "SM",1\r\n\r\n+CSQ: 5,99\r\n\r\nOK\r\n'])), ['+CMTI: "SM",1', '+CSQ: 5,99', 'OK']);
});

test('garbage bytes are dropped from lines', () => {
  assert.deepEqual(lines(frames([Buffer.from([0x00, 0xff, 0x07, 0x4f, 0x4b, 0x0d, 0x0a])])), ['OK']);
});

test('the "> " prompt with no terminator is a frame', () => {
  assert.deepEqual(lines(frames(['\r\n> '])), ['>']);
});

test('a bare ">" is the prompt only while one is expected', () => {
  assert.deepEqual(lines(frames(['\r\n>'], (f) => (f.expectPrompt = true))), ['>']);
  assert.deepEqual(lines(frames(['\r\n>'])), []);
});

test('the line after +CMT: is a PDU frame', () => {
  const fs = frames(['\r\n+CMT: ,24\r\n0791447758100650040C914477\r\n']);
  assert.equal(fs[1]?.kind, 'pdu');
  assert.deepEqual(lines(fs), ['+CMT: ,24', 'pdu:0791447758100650040C914477']);
});

test('+CMGL headers each take the following PDU', () => {
  assert.deepEqual(lines(frames(['+CMGL: 1,0,,3\r\n00AABB\r\n+CMGL: 2,1,,3\r\n00CCDD\r\nOK\r\n'])), ['+CMGL: 1,0,,3', 'pdu:00AABB', '+CMGL: 2,1,,3', 'pdu:00CCDD', 'OK']);
});

test('a header with no PDU does not swallow the final result', () => {
  assert.deepEqual(lines(frames(['+CMGR: 0,,0\r\nOK\r\n'])), ['+CMGR: 0,,0', 'OK']);
});

test('raw mode reads exactly N bytes, CR LF included, then lines resume', () => {
  const out: Frame[] = [];
  const f = new AtFramer((x) => {
    out.push(x);
    if (x.kind === 'line' && x.text === 'CONNECT') f.readRaw(6);
  });
  f.push(Buffer.from('\r\nCONNECT\r', 'latin1'));
  f.push(Buffer.from('\nab\r\n\x00', 'latin1'));
  f.push(Buffer.from('z\r\nOK\r\n', 'latin1'));
  assert.deepEqual(lines(out), ['CONNECT', 'raw:ab\r\n\x00z', 'OK']);
});

test('a line longer than the limit is cut, not buffered without bound', () => {
  const out: Frame[] = [];
  const f = new AtFramer((x) => out.push(x), { maxLineLength: 16 });
  f.push(Buffer.alloc(40, 0x41));
  assert.equal(out.length, 2);
});
