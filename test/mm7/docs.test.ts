/**
 * The raw SOAP example of docs/MM7.md, run as a user would paste it (bash, printf, curl)
 * against a running gateway: it must be accepted (SubmitRsp 1000) and its picture must reach
 * the MMSC byte-identical.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { waitUntil } from '../helpers/e2e.js';
import { jpeg, NS6, pyCheck, VASP, withMm7 } from './helpers.js';

const DOC = new URL('../../docs/MM7.md', import.meta.url);

function example(): string {
  const text = readFileSync(DOC, 'utf8');
  const block = /<!-- mm7-example:start -->\n```sh\n([\s\S]*?)```\n<!-- mm7-example:end -->/.exec(text)?.[1];
  assert.ok(block, 'docs/MM7.md holds the marked example');
  return block;
}

describe('docs/MM7.md', { timeout: 120_000 }, () => {
  it('the pasted curl example submits an MMS with the picture', { skip: spawnSync('curl', ['--version']).status !== 0 ? 'curl is not installed' : false }, async () => {
    await withMm7({ reportDelayMs: undefined, withoutVasId: true }, async ({ e2e, boxUrl }) => {
      const dir = mkdtempSync(join(tmpdir(), 'mm7-doc-'));
      try {
        const picture = await jpeg(80, 60, 11);
        writeFileSync(join(dir, 'photo.jpg'), picture);
        // Asynchronously: the box answering curl runs in this process.
        const r = await new Promise<{ status: number | null; stdout: Buffer; stderr: Buffer }>((resolve) => {
          const child = spawn('bash', ['-e', '-c', example()], {
            cwd: dir,
            env: { ...process.env, MM7_URL: boxUrl, MM7_USER: VASP.user, MM7_PASS: VASP.password, MM7_VASPID: VASP.vaspId },
            timeout: 30_000,
          });
          const out: Buffer[] = [];
          const err: Buffer[] = [];
          child.stdout.on('data', (c: Buffer) => out.push(c));
          child.stderr.on('data', (c: Buffer) => err.push(c));
          child.on('close', (status) => resolve({ status, stdout: Buffer.concat(out), stderr: Buffer.concat(err) }));
        });
        assert.equal(r.status, 0, r.stderr.toString());
        const py = pyCheck(r.stdout.toString(), { ns: NS6, op: 'SubmitRsp' });
        assert.deepEqual(py.errors, [], r.stdout.toString());
        assert.equal(py.status, 1000, r.stdout.toString());
        const sent = await waitUntil(() => e2e.mmscSim.sent().find((s) => s.pdu.subject === 'Hello from MM7'), 30_000, 'the MMS at the MMSC');
        const image = sent.pdu.parts.find((p) => p.contentType === 'image/jpeg');
        assert.ok(image);
        assert.equal(createHash('sha256').update(image.body).digest('hex'), createHash('sha256').update(picture).digest('hex'));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
