/**
 * Packet-domain contexts, 3GPP 27.007 §10.1: +CGDCONT defines a context per cid (§10.1.1),
 * +CGATT attaches (§10.1.9), +CGACT activates or deactivates the listed cids and no others
 * (§10.1.10), +CGPADDR shows the addresses the network assigned (§10.1.14).
 */
import { intParam, strParam } from '../parser.js';
import { cme, error, ok, q } from '../reply.js';
import { registered, type ModemState, type PdpContext } from '../state.js';
import type { CommandHandler, HandlerTable } from '../types.js';

const PDP_TYPES = ['IP', 'IPV6', 'IPV4V6', 'PPP'];

/** The address the network hands out for a cid; stable per cid so tests can predict it. */
function assignAddress(ctx: PdpContext): string {
  return ctx.pdpType === 'IPV6' ? `fd00:0:0:${ctx.cid}::1` : `10.64.${ctx.cid}.2`;
}

/** Takes every context down, as a detach or loss of registration does. */
export function dropContexts(state: ModemState): number[] {
  const dropped: number[] = [];
  for (const c of state.contexts.values()) {
    if (!c.active) continue;
    c.active = false;
    c.address = '0.0.0.0';
    dropped.push(c.cid);
  }
  return dropped;
}

const cgdcont: CommandHandler = (ctx, cmd) => {
  const max = ctx.profile.maxContexts;
  const contexts = ctx.state.contexts;
  if (cmd.kind === 'test') return ok(PDP_TYPES.map((t) => `+CGDCONT: (1-${max}),${q(t)},,,(0-2),(0-4)`));
  if (cmd.kind === 'read') {
    const lines = [...contexts.values()].sort((a, b) => a.cid - b.cid).map((c) => `+CGDCONT: ${c.cid},${q(c.pdpType)},${q(c.apn)},${q(c.active ? c.address : '0.0.0.0')},0,0`);
    return ok(lines);
  }
  if (cmd.kind !== 'set') return error();
  const cid = intParam(cmd.params, 0);
  if (!(cid >= 1 && cid <= max)) return cme(50);
  const existing = contexts.get(cid);
  if (existing?.active) return cme(3);
  const type = strParam(cmd.params, 1)?.toUpperCase();
  if (type === undefined) {
    // §10.1.1: AT+CGDCONT=<cid> alone makes the context undefined.
    contexts.delete(cid);
    return ok();
  }
  if (!PDP_TYPES.includes(type)) return cme(50);
  contexts.set(cid, { cid, pdpType: type, apn: strParam(cmd.params, 2) ?? '', active: false, address: '0.0.0.0' });
  return ok();
};

const cgact: CommandHandler = async (ctx, cmd) => {
  const contexts = ctx.state.contexts;
  if (cmd.kind === 'test') return ok(['+CGACT: (0,1)']);
  if (cmd.kind === 'read') return ok([...contexts.values()].sort((a, b) => a.cid - b.cid).map((c) => `+CGACT: ${c.cid},${c.active ? 1 : 0}`));
  if (cmd.kind !== 'set') return error();
  const state = intParam(cmd.params, 0);
  if (state !== 0 && state !== 1) return cme(50);
  const cids = cmd.params.length > 1 ? cmd.params.slice(1).map((_, i) => intParam(cmd.params, i + 1)) : [...contexts.keys()];
  const targets: PdpContext[] = [];
  for (const cid of cids) {
    const c = contexts.get(cid);
    if (c === undefined) return cme(50);
    targets.push(c);
  }
  if (state === 1) {
    if (!registered(ctx.state)) return cme(30);
    // 27.007 §9.2.2: 533 "missing or unknown APN" (24.008 cause #27), as a network refuses an APN it does not serve.
    const apns = ctx.state.apns.map((a) => a.toLowerCase());
    if (apns.length > 0 && targets.some((c) => !apns.includes(c.apn.toLowerCase()))) return cme(533);
    // Activation is a network round trip (PDP context request/accept).
    await new Promise((resolve) => setTimeout(resolve, 30));
    if (!registered(ctx.state)) return cme(30);
  }
  for (const c of targets) {
    if (c.active === (state === 1)) continue;
    c.active = state === 1;
    c.address = c.active ? assignAddress(c) : '0.0.0.0';
    ctx.emit('pdp', { cid: c.cid, active: c.active, apn: c.apn, address: c.address });
  }
  return ok();
};

const cgpaddr: CommandHandler = (ctx, cmd) => {
  const contexts = ctx.state.contexts;
  if (cmd.kind === 'test') return ok([`+CGPADDR: (${[...contexts.keys()].sort((a, b) => a - b).join(',')})`]);
  if (cmd.kind === 'read') return error();
  const cids = cmd.kind === 'exec' ? [...contexts.keys()].sort((a, b) => a - b) : cmd.params.map((_, i) => intParam(cmd.params, i));
  const lines: string[] = [];
  for (const cid of cids) {
    const c = contexts.get(cid);
    if (c === undefined) return cme(50);
    lines.push(`+CGPADDR: ${cid},${q(c.active ? c.address : '0.0.0.0')}`);
  }
  return ok(lines);
};

const cgatt: CommandHandler = (ctx, cmd) => {
  if (cmd.kind === 'test') return ok(['+CGATT: (0,1)']);
  if (cmd.kind === 'read') return ok([`+CGATT: ${registered(ctx.state) && ctx.state.settings.vendor['detached'] !== 1 ? 1 : 0}`]);
  if (cmd.kind !== 'set') return error();
  const v = intParam(cmd.params, 0);
  if (v === 1) {
    if (!registered(ctx.state)) return cme(30);
    delete ctx.state.settings.vendor['detached'];
    return ok();
  }
  if (v !== 0) return cme(50);
  ctx.state.settings.vendor['detached'] = 1;
  for (const cid of dropContexts(ctx.state)) ctx.emit('pdp', { cid, active: false });
  return ok();
};

export const pdpHandlers: HandlerTable = {
  '+CGDCONT': cgdcont,
  '+CGACT': cgact,
  '+CGPADDR': cgpaddr,
  '+CGATT': cgatt,
};
