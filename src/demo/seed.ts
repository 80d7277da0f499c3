import sharp from 'sharp';
import { encodeDeliver } from '../codec/sms/index.js';
import { SignalRepo } from '../store/index.js';
import type { DemoCore } from './environment.js';
import { toneWav } from './media.js';

/**
 * A few conversations for a newcomer's first look at the web interface, sent the real way:
 * MMS from simulated handsets through the MMSC simulator (with real pictures made here by
 * sharp), SMS through the modem simulator's pty. Also a day of signal readings for the chart,
 * marked as the demo's. Runs only on an empty store.
 */

async function picture(w: number, h: number, palette: readonly [number, number, number][], format: 'jpeg' | 'png'): Promise<Buffer> {
  const raw = Buffer.alloc(w * h * 3);
  const [a, b, c] = palette as [[number, number, number], [number, number, number], [number, number, number]];
  for (let y = 0; y < h; y++) {
    const t = y / (h - 1);
    for (let x = 0; x < w; x++) {
      const sun = Math.hypot(x - w * 0.65, y - h * 0.55) < h * 0.14;
      const from = t < 0.6 ? a : b;
      const to = t < 0.6 ? b : c;
      const k = t < 0.6 ? t / 0.6 : (t - 0.6) / 0.4;
      const i = (y * w + x) * 3;
      for (let ch = 0; ch < 3; ch++) raw[i + ch] = sun && t < 0.6 ? [255, 236, 160][ch]! : Math.round(from[ch]! + (to[ch]! - from[ch]!) * k);
    }
  }
  const img = sharp(raw, { raw: { width: w, height: h, channels: 3 } });
  return format === 'jpeg' ? img.jpeg({ quality: 82 }).toBuffer() : img.png().toBuffer();
}

export async function seedDemo(env: Pick<DemoCore, 'config' | 'gateway' | 'net'>, now: number = Date.now()): Promise<boolean> {
  const store = env.gateway.store;
  if (store.messages.list({ limit: 1 }).length > 0) return false;
  const own = env.config.box.ownNumber ?? '+15550100001';
  const sunset = await picture(480, 320, [[38, 52, 120], [240, 120, 80], [30, 60, 90]], 'jpeg');
  const garden = await picture(360, 360, [[150, 210, 255], [120, 200, 120], [60, 120, 50]], 'png');

  await env.net.submitMms({
    from: '+15550100200',
    to: own,
    subject: 'Sunset at the lake',
    parts: [
      { contentType: 'application/smil', text: '<smil><body><par dur="5s"><img src="sunset.jpg"/><text src="note.txt"/><audio src="waves.wav"/></par></body></smil>', name: 'smil.xml', contentId: '<smil>' },
      { contentType: 'image/jpeg', body: sunset, name: 'sunset.jpg' },
      { contentType: 'text/plain', text: 'Look at this sky! 🌅 Wish you were here.', name: 'note.txt' },
      { contentType: 'audio/wav', body: toneWav(440, 600), name: 'waves.wav' },
    ],
  });
  for (const [i, text] of ['Are we still on for dinner tonight?', 'I booked the table for 8 — see you there!'].entries()) {
    for (const p of encodeDeliver({ from: '+15550100300', text, reference: 40 + i })) await env.net.modem.deliverSms(p.hex);
  }
  await env.net.submitMms({
    from: '+15550100400',
    to: [own, '+15550100500'],
    subject: 'Garden party',
    parts: [
      { contentType: 'image/png', body: garden, name: 'garden.png' },
      { contentType: 'text/plain', text: 'Saturday at 3, bring a chair. (Group MMS: everyone sees replies.)', name: 'invite.txt' },
    ],
  });

  const signals = new SignalRepo(store.db);
  for (let t = now - 24 * 3600_000; t < now; t += 15 * 60_000) {
    const h = (t / 3600_000) % 24;
    signals.add({ at: t, rssiDbm: Math.round(-75 - 12 * Math.sin((h / 24) * 2 * Math.PI) - ((t / 60_000) % 7)), rsrpDbm: null, technology: 'demo', registration: 'home' });
  }
  return true;
}
