import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { decodeWindows1252 } from '../../src/util/windows-1252.js';
import { decodeText as codecDecode } from '../../src/codec/wsp/charset.js';
import { decodeText as mailDecode } from '../../src/mail/out/charset.js';

// Python's cp1252 codec is the oracle for the 251 assigned octets; the WHATWG index maps the
// five unassigned ones (0x81 0x8D 0x8F 0x90 0x9D) to the C1 controls of the same number.
const py = spawnSync('python3', ['-c', 'import sys,json; print(json.dumps([bytes([b]).decode("cp1252", "replace") for b in range(256)]))']);
const pythonMissing = py.status !== 0;

test('windows-1252 decodes like Python\'s cp1252 for every assigned octet, in the codec and in the mail relay', { skip: pythonMissing ? 'python3 is not installed' : false }, () => {
  const expected = JSON.parse(py.stdout.toString()) as string[];
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  for (const decode of [decodeWindows1252, (b: Uint8Array) => codecDecode(b, 'windows-1252'), (b: Uint8Array) => mailDecode(b, 'windows-1252'), (b: Uint8Array) => mailDecode(b, '2252')]) {
    const got = [...decode(all)];
    assert.equal(got.length, 256);
    for (let b = 0; b < 256; b++) {
      const want = expected[b] === '\ufffd' ? String.fromCharCode(b) : expected[b];
      assert.equal(got[b], want, `octet 0x${b.toString(16)}`);
    }
  }
  assert.equal(decodeWindows1252(Uint8Array.from([0x35, 0x20, 0x80, 0x20, 0x93, 0x71, 0x94, 0x85])), '5 € “q”…');
});
