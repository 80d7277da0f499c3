import { mulberry32 } from '../../util/prng.js';
import type { SimPartInput } from './pdus.js';

/** A small seeded PRNG (mulberry32) so generated messages are reproducible from a seed. */
export { mulberry32 };

const TEXTS = ['Hello from the handset', 'Grüße aus Köln — ünïcödé', 'Привет! Как дела?', 'こんにちは、写真です', 'Plain ASCII caption', 'Emoji 📷🎉 inside'];
const CHARSETS = ['utf-8', 'utf-16', 'us-ascii', 'iso-8859-1'] as const;
const MEDIA = ['image/jpeg', 'image/png', 'image/gif', 'audio/amr', 'video/3gpp', 'application/octet-stream'] as const;

export interface HandsetMessageOptions {
  /** Number of parts including the SMIL (1..50). */
  parts: number;
  /** Total size of the binary parts, spread over them (default 30 KB). */
  totalBytes?: number;
  seed?: number;
  /** Include a SMIL presentation part first (default true when parts > 1). */
  smil?: boolean;
}

/**
 * Parts as a handset composes them: a SMIL layout, text parts in assorted charsets (the text
 * representable in each), and binary media of random sizes summing to `totalBytes`.
 */
export function randomHandsetParts(o: HandsetMessageOptions): SimPartInput[] {
  const rnd = mulberry32(o.seed ?? 1);
  const n = Math.max(1, Math.min(50, o.parts));
  const wantSmil = (o.smil ?? n > 1) && n > 1;
  const bodies: SimPartInput[] = [];
  const media = Math.max(0, Math.floor((n - (wantSmil ? 1 : 0)) / 2));
  const texts = n - (wantSmil ? 1 : 0) - media;
  for (let i = 0; i < texts; i++) {
    const charset = CHARSETS[Math.floor(rnd() * CHARSETS.length)] ?? 'utf-8';
    let text = TEXTS[Math.floor(rnd() * TEXTS.length)] ?? '';
    if (charset === 'us-ascii') text = text.replace(/[^\x20-\x7e]/g, '?');
    if (charset === 'iso-8859-1') text = text.replace(/[^\x20-\xff]/g, '?');
    if (charset === 'utf-16') text = text.replace(/[\u{10000}-\u{10ffff}]/gu, '?');
    bodies.push({ contentType: 'text/plain', text: `${text} #${i}`, charset, name: `text${i}.txt` });
  }
  const total = o.totalBytes ?? 30_000;
  const weights = Array.from({ length: media }, () => 0.2 + rnd());
  const sum = weights.reduce((a, b) => a + b, 0) || 1;
  for (let i = 0; i < media; i++) {
    const size = Math.max(1, Math.floor((total * (weights[i] ?? 1)) / sum));
    const body = new Uint8Array(size);
    for (let j = 0; j < size; j += 4096) body[j] = Math.floor(rnd() * 256);
    const type = MEDIA[Math.floor(rnd() * MEDIA.length)] ?? 'application/octet-stream';
    bodies.push({ contentType: type, body, name: `media${i}.${type.split('/')[1] ?? 'bin'}` });
  }
  if (!wantSmil) return bodies;
  const pars = bodies.map((b) => (b.contentType.startsWith('text/') ? `<par dur="3s"><text src="${b.name}" region="Text"/></par>` : `<par dur="3s"><img src="${b.name}" region="Image"/></par>`)).join('');
  const smil = `<smil><head><layout><root-layout/><region id="Image" top="0" height="70%"/><region id="Text" top="70%" height="30%"/></layout></head><body>${pars}</body></smil>`;
  return [{ contentType: 'application/smil', text: smil, charset: 'utf-8', name: 'smil.xml', contentId: '<smil>' }, ...bodies];
}
