/**
 * SMS configuration and storage commands of 3GPP 27.005 in PDU mode: +CSMS (§3.2.1), +CPMS
 * (§3.2.2), +CMGF (§3.2.3, PDU mode only), +CSCA (§3.3.1), +CNMI (§3.4.1), +CMGL (§3.4.2),
 * +CMGR (§3.4.3) and +CMGD (§3.5.4).
 */
import { intParam, strParam } from '../parser.js';
import { cms, error, ok, q, simCmsError } from '../reply.js';
import type { StorageEntry } from '../storage.js';
import type { CommandContext, CommandHandler, HandlerTable, MemName, Reply } from '../types.js';
import { tpduLength } from '../pdu.js';

/** Runs handler only with an open SIM (27.005 §3.2.5 errors 310/311/316 otherwise). */
export function needsSim(handler: CommandHandler): CommandHandler {
  return (ctx, cmd) => {
    const err = simCmsError(ctx.state);
    if (err !== undefined && cmd.kind !== 'test') return cms(err);
    return handler(ctx, cmd);
  };
}

const csms: CommandHandler = (ctx, cmd) => {
  if (cmd.kind === 'read') return ok([`+CSMS: ${ctx.state.settings.csms},1,1,1`]);
  if (cmd.kind === 'test') return ok(['+CSMS: (0,1)']);
  if (cmd.kind !== 'set') return error();
  const service = intParam(cmd.params, 0);
  if (service !== 0 && service !== 1) return cms(303);
  ctx.state.settings.csms = service;
  return ok(['+CSMS: 1,1,1']);
};

function memCounts(ctx: CommandContext, mems: readonly MemName[]): string {
  const st = ctx.state.storage;
  return mems.map((m) => `${st.used(m)},${st.total(m)}`).join(',');
}

const cpms: CommandHandler = (ctx, cmd) => {
  const s = ctx.state.settings;
  const supported = ctx.profile.storage.mems;
  if (cmd.kind === 'test') {
    const list = `(${supported.map(q).join(',')})`;
    return ok([`+CPMS: ${list},${list},${list}`]);
  }
  if (cmd.kind === 'read') {
    const st = ctx.state.storage;
    return ok([`+CPMS: ${s.cpms.map((m) => `${q(m)},${st.used(m)},${st.total(m)}`).join(',')}`]);
  }
  if (cmd.kind !== 'set') return error();
  const next: [MemName, MemName, MemName] = [...s.cpms];
  for (let i = 0; i < 3; i++) {
    const m = strParam(cmd.params, i)?.toUpperCase();
    if (m === undefined) continue;
    if (!(supported as readonly string[]).includes(m)) return cms(302);
    next[i] = m as MemName;
  }
  if (strParam(cmd.params, 0) === undefined) return cms(302);
  s.cpms = next;
  return ok([`+CPMS: ${memCounts(ctx, next)}`]);
};

/** Only PDU mode: a setup without text mode refuses +CMGF=1 as not supported. */
const cmgf: CommandHandler = (_ctx, cmd) => {
  if (cmd.kind === 'read') return ok(['+CMGF: 0']);
  if (cmd.kind === 'test') return ok(['+CMGF: (0)']);
  const mode = cmd.kind === 'exec' ? 0 : intParam(cmd.params, 0, 0);
  if (mode === 1) return cms(303);
  if (mode !== 0) return cms(302);
  return ok();
};

const csca: CommandHandler = (ctx, cmd) => {
  const sim = ctx.state.sim;
  if (cmd.kind === 'read') return ok([`+CSCA: ${q(sim.smsc)},${sim.smsc.startsWith('+') ? 145 : 129}`]);
  if (cmd.kind === 'test') return ok();
  const addr = strParam(cmd.params, 0);
  if (cmd.kind !== 'set' || addr === undefined || !/^\+?\d{1,20}$/.test(addr)) return cms(304);
  sim.smsc = addr;
  return ok();
};

function range(values: readonly number[]): string {
  return `(${values.join(',')})`;
}

const cnmi: CommandHandler = (ctx, cmd) => {
  const s = ctx.state.settings;
  const sup = ctx.profile.cnmi;
  if (cmd.kind === 'read') return ok([`+CNMI: ${s.cnmi.join(',')}`]);
  if (cmd.kind === 'test') return ok([`+CNMI: ${[sup.mode, sup.mt, sup.bm, sup.ds, sup.bfr].map(range).join(',')}`]);
  if (cmd.kind !== 'set') return error();
  const lists = [sup.mode, sup.mt, sup.bm, sup.ds, sup.bfr];
  const next: [number, number, number, number, number] = [...s.cnmi];
  for (let i = 0; i < 5; i++) {
    const v = intParam(cmd.params, i, next[i]);
    if (!lists[i]?.includes(v)) return cms(303);
    next[i] = v;
  }
  s.cnmi = next;
  return ok([], () => ctx.network.cnmiChanged());
};

function entryLines(prefix: string, e: StorageEntry, withIndex: boolean): string[] {
  const len = tpduLength(e.pdu) ?? 0;
  return [`${prefix}: ${withIndex ? `${e.index},` : ''}${e.stat},,${len}`, e.pdu];
}

/** 27.005 §3.1 <stat> in PDU mode: 0 unread, 1 read, 2 unsent, 3 sent, 4 all. */
const cmgl: CommandHandler = (ctx, cmd) => {
  if (cmd.kind === 'test') return ok(['+CMGL: (0-4)']);
  if (cmd.kind === 'read') return error();
  const stat = cmd.kind === 'exec' ? 0 : intParam(cmd.params, 0);
  if (!(stat >= 0 && stat <= 4)) return cms(304);
  const mem = ctx.state.settings.cpms[0];
  const lines: string[] = [];
  for (const { index, sms } of ctx.state.storage.entries(mem)) {
    if (stat !== 4 && sms.stat !== stat) continue;
    lines.push(...entryLines('+CMGL', { ...sms, index }, true));
    if (sms.stat === 0) sms.stat = 1;
  }
  return ok(lines);
};

const cmgr: CommandHandler = (ctx, cmd) => {
  if (cmd.kind === 'test') return ok();
  if (cmd.kind !== 'set') return error();
  const index = intParam(cmd.params, 0);
  const mem = ctx.state.settings.cpms[0];
  if (Number.isNaN(index) || !ctx.state.storage.validIndex(mem, index)) return cms(321);
  const sms = ctx.state.storage.get(mem, index);
  // An empty slot answers OK without text on most firmwares (27.005 leaves it open).
  if (sms === undefined) return ok();
  const lines = entryLines('+CMGR', { ...sms, index }, false);
  if (sms.stat === 0) sms.stat = 1;
  return ok(lines);
};

/** 27.005 §3.5.4 <delflag>: 1 read, 2 read+sent, 3 read+sent+unsent, 4 all. */
const DELETE_STATS: Readonly<Record<number, readonly number[]>> = { 1: [1], 2: [1, 3], 3: [1, 2, 3], 4: [0, 1, 2, 3] };

const cmgd: CommandHandler = (ctx, cmd) => {
  if (cmd.kind === 'test') {
    const mem = ctx.state.settings.cpms[0];
    const idx = ctx.state.storage.list(mem).map((e) => e.index);
    return ok([`+CMGD: (${idx.join(',')}),(0-4)`]);
  }
  if (cmd.kind !== 'set') return error();
  const index = intParam(cmd.params, 0);
  const delflag = intParam(cmd.params, 1, 0);
  const mem = ctx.state.settings.cpms[0];
  const storage = ctx.state.storage;
  if (!(delflag >= 0 && delflag <= 4)) return cms(304);
  if (delflag === 0) {
    if (Number.isNaN(index) || !storage.validIndex(mem, index)) return cms(321);
    storage.delete(mem, index);
  } else {
    const stats = DELETE_STATS[delflag] ?? [];
    for (const e of storage.list(mem)) if (stats.includes(e.stat)) storage.delete(mem, e.index);
  }
  return deleted(ctx);
};

function deleted(ctx: CommandContext): Reply {
  return ok([], () => ctx.network.memoryAvailable());
}

export const smsHandlers: HandlerTable = {
  '+CSMS': csms,
  '+CPMS': needsSim(cpms),
  '+CMGF': cmgf,
  '+CSCA': needsSim(csca),
  '+CNMI': cnmi,
  '+CMGL': needsSim(cmgl),
  '+CMGR': needsSim(cmgr),
  '+CMGD': needsSim(cmgd),
};
