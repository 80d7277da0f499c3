import type { FastifyInstance } from 'fastify';
import { SignalRepo, type SignalSample } from '../../store/index.js';
import { formatBytes, formatTime } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import { page } from '../layout.js';
import type { WebContext } from '../server.js';
import type { WebModem } from '../services.js';

const DAY_MS = 24 * 3600_000;

/**
 * The signal over the last 24 h as an inline SVG drawn here (no script, no library): x is
 * time, y the received level in dBm (RSSI, or RSRP on LTE), -120…-50 dBm. Gaps of more than
 * three sample intervals break the line.
 */
export function signalChart(samples: readonly SignalSample[], now: number, timeZone: string): SafeHtml {
  const W = 600;
  const H = 160;
  const left = 40;
  const bottom = 20;
  const lo = -120;
  const hi = -50;
  const x = (t: number): number => left + ((t - (now - DAY_MS)) / DAY_MS) * (W - left - 5);
  const y = (dbm: number): number => 5 + ((hi - Math.max(lo, Math.min(hi, dbm))) / (hi - lo)) * (H - bottom - 5);
  const points = samples.map((s) => ({ at: s.at, v: s.rssiDbm ?? s.rsrpDbm })).filter((p): p is { at: number; v: number } => p.v !== null);
  const segments: string[] = [];
  let current: string[] = [];
  let prev: number | undefined;
  for (const p of points) {
    if (prev !== undefined && p.at - prev > 3 * 15 * 60_000) {
      if (current.length > 0) segments.push(current.join(' '));
      current = [];
    }
    current.push(`${x(p.at).toFixed(1)},${y(p.v).toFixed(1)}`);
    prev = p.at;
  }
  if (current.length > 0) segments.push(current.join(' '));
  const grid = [-110, -90, -70].map((d) => html`<line class="grid" x1="${left}" x2="${W - 5}" y1="${y(d).toFixed(1)}" y2="${y(d).toFixed(1)}"/><text x="2" y="${(y(d) + 4).toFixed(1)}">${d}</text>`);
  const ticks = [0, 6, 12, 18, 24].map((h) => {
    const t = now - DAY_MS + h * 3600_000;
    return html`<text x="${(x(t) - (h === 24 ? 30 : 14)).toFixed(1)}" y="${H - 4}">${formatTime(t, timeZone, true).slice(-5)}</text>`;
  });
  return html`<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="Signal level over the last 24 hours, in dBm">
${grid}${ticks}
${segments.map((s) => html`<polyline class="line" points="${s}"/>`)}
${points.length === 0 ? html`<text x="${W / 2 - 60}" y="${H / 2}">no samples yet</text>` : ''}
</svg>`;
}

/** Several modems: one row each (id, own number, port, profile, state, network, signal, health). */
function modemsCard(list: readonly WebModem[]): SafeHtml {
  const rows = list.map((m) => {
    const s = m.status;
    const sig = s.signal?.rssiDbm ?? s.signal?.rsrpDbm;
    return html`<tr class="modem" data-modem="${m.id}"><td>${m.id}</td><td>${m.number ?? '—'}</td><td>${m.port}</td><td>${m.profile ?? '—'}</td><td>${s.state}</td><td>${s.registration.state}${s.operator?.name ? `, ${s.operator.name}` : ''}</td><td>${sig !== undefined ? `${sig} dBm` : '—'}</td><td class="${m.health.ok ? 'ok' : 'bad'}">${m.health.ok ? (m.sends ? 'ok' : 'ok (receive only)') : (m.health.problem ?? 'not working')}</td></tr>`;
  });
  return html`<div class="card"><h2>Modems</h2><table class="modems"><thead><tr><th>Modem</th><th>Number</th><th>Port</th><th>Profile</th><th>State</th><th>Network</th><th>Signal</th><th>Health</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

export function registerHealth(app: FastifyInstance, ctx: WebContext): void {
  const { store } = ctx.services;
  const signals = new SignalRepo(store.db);

  app.get('/health', async (req, reply) => {
    const now = ctx.now();
    const tz = ctx.services.box.timeZone;
    const s = ctx.services.modemStatus();
    const stats = store.stats();
    const lastFetch = store.db.prepare("SELECT at, detail FROM events WHERE kind = 'fetch-attempt' ORDER BY id DESC LIMIT 1").get() as { at: number; detail: string } | undefined;
    let fetchOk = false;
    try {
      fetchOk = lastFetch !== undefined && (JSON.parse(lastFetch.detail) as { ok?: unknown } | null)?.ok === true;
    } catch {
      fetchOk = false;
    }
    const recovery = (ctx.services.modemHistory?.() ?? []).slice(0, 20);
    const sig = s?.signal;
    const modems = ctx.services.modems?.() ?? [];
    const body = html`<h1>Box health <span class="live" id="live-status"></span></h1>
${modems.length > 1 ? modemsCard(modems) : ''}
<div class="card"><h2>Modem${modems.length > 1 ? ` ${modems[0]?.id ?? ''}` : ''}</h2>
${s ? html`<dl class="facts">
<dt>Now</dt><dd id="modem-live">${s.state}, ${s.registration.state}</dd>
<dt>Port</dt><dd>${s.port}</dd>
<dt>Model</dt><dd>${s.identity ? `${s.identity.manufacturer ?? ''} ${s.identity.model ?? ''}` : '—'}</dd>
<dt>SIM</dt><dd>${typeof s.sim === 'string' ? s.sim : JSON.stringify(s.sim)}${s.iccid ? ` (ICCID ${s.iccid})` : ''}</dd>
<dt>Operator</dt><dd>${s.operator?.name ?? s.operator?.numeric ?? '—'}</dd>
<dt>Technology</dt><dd>${s.technology ?? '—'}</dd>
<dt>Signal</dt><dd>${sig?.rssiDbm !== undefined ? `${sig.rssiDbm} dBm RSSI` : ''}${sig?.rsrpDbm !== undefined ? ` ${sig.rsrpDbm} dBm RSRP` : ''}${sig?.csq !== undefined ? ` (CSQ ${sig.csq})` : ''}</dd>
<dt>SMS storage</dt><dd>${s.smsStorage ? `${s.smsStorage.mem}: ${s.smsStorage.used} of ${s.smsStorage.total}` : '—'}</dd>
<dt>Last error</dt><dd>${s.lastError ?? '—'}</dd>
</dl>` : html`<p>No modem.</p>`}
<h2>Signal, last 24 h</h2>
${signalChart(signals.since(now - DAY_MS), now, tz)}
</div>
<div class="card"><h2>MMS and queues</h2><dl class="facts">
<dt>Bearer</dt><dd>${ctx.services.box.bearer ?? '—'}</dd>
<dt>Last MMS fetch</dt><dd>${lastFetch ? html`${formatTime(lastFetch.at, tz)}, <span class="${fetchOk ? 'ok' : 'bad'}">${fetchOk ? 'succeeded' : 'failed'}</span>` : 'none yet'}</dd>
<dt>Jobs</dt><dd>queued ${stats.jobs.queued}, running ${stats.jobs.running}, dead ${stats.jobs.dead}, done ${stats.jobs.done}</dd>
<dt>Relays unfinished</dt><dd>${stats.relaysUnfinished}</dd>
<dt>Quarantined</dt><dd>${stats.quarantined}</dd>
<dt>SMS parts waiting</dt><dd>${stats.openSegments}</dd>
</dl></div>
<div class="card"><h2>Modem states and recovery</h2>${recovery.length === 0 ? html`<p class="muted">No state changes since the gateway started.</p>` : html`<ul>${recovery.map((r) => html`<li>${formatTime(r.at, tz)} <strong>${r.state}</strong> <span class="muted">${r.detail}</span></li>`)}</ul>`}</div>
<div class="card"><h2>Store</h2><dl class="facts">
<dt>Database</dt><dd>${formatBytes(stats.dbBytes)} (WAL ${formatBytes(stats.walBytes)}), schema ${stats.schemaVersion}</dd>
<dt>Free space</dt><dd>${formatBytes(stats.freeBytes)}</dd>
</dl></div>`;
    return reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-store').send(page({ title: 'Box', section: 'health', session: req.webSession, loginRequired: ctx.authRequired, live: 'health' }, body).value);
  });
}
