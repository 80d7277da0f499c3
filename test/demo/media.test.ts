/**
 * The demo's sample media are real files by their formats' own readers: the WAVE clip by
 * Python's wave module, the JPEG by sharp (libvips) — neither written here.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import sharp from 'sharp';
import { SAMPLE_JPEG, toneWav } from '../../src/demo/media.js';

test('toneWav is a PCM WAVE file Python reads: mono, 8-bit, 8 kHz, the asked length', () => {
  const wav = toneWav(440, 600);
  const r = spawnSync('python3', ['-c', 'import wave,sys,io; w=wave.open(io.BytesIO(sys.stdin.buffer.read())); print(w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes(), len(set(w.readframes(w.getnframes()))))'], { input: wav, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const [channels, width, rate, frames, distinct] = r.stdout.trim().split(' ').map(Number);
  assert.deepEqual([channels, width, rate, frames], [1, 1, 8000, 4800]);
  assert.ok((distinct ?? 0) > 100, 'a tone, not silence');
});

test('SAMPLE_JPEG is a 160×120 JPEG', async () => {
  const meta = await sharp(SAMPLE_JPEG).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 160, 120]);
});
