import { readFileSync, writeFileSync, renameSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { isIP } from 'node:net';
import type { Executor } from './exec.js';
import { logger } from '../util/log.js';

const log = logger('bearer');

/**
 * A durable list of the routing changes a bearer made, each stored as the argv that undoes it.
 * Written before the change is made, so a crash between the two leaves at worst an undo that
 * fails harmlessly; on the next start `cleanupLeftovers` replays what is left.
 */
export class RouteJournal {
  private entries: string[][] = [];

  constructor(private readonly path?: string) {
    if (path) this.entries = readJournal(path);
  }

  pending(): readonly (readonly string[])[] {
    return this.entries;
  }

  add(undo: string[]): void {
    this.entries.push(undo);
    this.flush();
  }

  remove(undo: readonly string[]): void {
    const key = undo.join('\0');
    const i = this.entries.findIndex((e) => e.join('\0') === key);
    if (i >= 0) this.entries.splice(i, 1);
    this.flush();
  }

  private flush(): void {
    if (!this.path) return;
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.entries));
    renameSync(tmp, this.path);
  }
}

function readJournal(path: string): string[][] {
  try {
    const v: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return Array.isArray(v) ? v.filter((e): e is string[] => Array.isArray(e) && e.every((x) => typeof x === 'string')) : [];
  } catch {
    return [];
  }
}

/** Undoes what an earlier run recorded and did not undo (crash, power cut). Returns the argv run. */
export async function cleanupLeftovers(journal: RouteJournal, exec: Executor): Promise<string[][]> {
  const done: string[][] = [];
  for (const undo of [...journal.pending()].reverse()) {
    try {
      await exec(undo);
    } catch (e) {
      log.debug({ undo, err: e }, 'leftover route already gone');
    }
    journal.remove(undo);
    done.push([...undo]);
  }
  return done;
}

export type RoutingMode = 'host-route' | 'source-rule' | 'none';

export interface RoutePlan {
  mode: RoutingMode;
  ifname: string;
  /** Next hop on the interface; absent for point-to-point links (ppp0, raw-IP wwan0). */
  gateway?: string;
  gateway6?: string;
  /** Routing table: "main" for host routes by default; a number for the source rule's table. */
  table: number | 'main';
  rulePriority: number;
}

function fam(addr: string): string[] {
  return isIP(addr) === 6 ? ['-6'] : [];
}

function tableArgs(t: number | 'main'): string[] {
  return t === 'main' ? [] : ['table', String(t)];
}

/**
 * Installs routes so traffic to chosen peers leaves through the bearer's interface, and
 * undoes exactly those changes. All changes go through the executor and the journal.
 */
export class RouteInstaller {
  private readonly applied: string[][] = [];
  private readonly hosts = new Set<string>();
  private readonly rules = new Set<string>();

  constructor(private readonly plan: RoutePlan, private readonly exec: Executor, private readonly journal: RouteJournal) {}

  /** A /32 (/128) route to `addr` through the interface (host-route mode). */
  async hostRoute(addr: string): Promise<void> {
    if (this.plan.mode !== 'host-route' || this.hosts.has(addr)) return;
    const v6 = isIP(addr) === 6;
    const gw = v6 ? this.plan.gateway6 : this.plan.gateway;
    const dst = `${addr}/${v6 ? 128 : 32}`;
    const via = gw ? ['via', gw] : [];
    await this.change(
      ['ip', ...fam(addr), 'route', 'replace', dst, ...via, 'dev', this.plan.ifname, ...tableArgs(this.plan.table)],
      ['ip', ...fam(addr), 'route', 'del', dst, 'dev', this.plan.ifname, ...tableArgs(this.plan.table)],
    );
    this.hosts.add(addr);
  }

  /** A default route in the bearer's own table and a rule sending traffic from `local` to it (source-rule mode). */
  async sourceRule(local: string): Promise<void> {
    if (this.plan.mode !== 'source-rule' || this.rules.has(local)) return;
    const table = this.plan.table === 'main' ? 'main' : String(this.plan.table);
    const v6 = isIP(local) === 6;
    const gw = v6 ? this.plan.gateway6 : this.plan.gateway;
    const via = gw ? ['via', gw] : [];
    await this.change(
      ['ip', ...fam(local), 'route', 'replace', 'default', ...via, 'dev', this.plan.ifname, 'table', table],
      ['ip', ...fam(local), 'route', 'del', 'default', 'dev', this.plan.ifname, 'table', table],
    );
    const rule = ['from', local, 'table', table, 'priority', String(this.plan.rulePriority)];
    await this.change(['ip', ...fam(local), 'rule', 'add', ...rule], ['ip', ...fam(local), 'rule', 'del', ...rule]);
    this.rules.add(local);
  }

  /** Undoes every change this installer made, newest first. Errors are logged, not thrown. */
  async undoAll(): Promise<void> {
    while (this.applied.length > 0) {
      const undo = this.applied.pop() as string[];
      try {
        await this.exec(undo);
      } catch (e) {
        log.warn({ undo, err: e }, 'could not undo a routing change');
      }
      this.journal.remove(undo);
    }
    this.hosts.clear();
    this.rules.clear();
  }

  private async change(doArgv: string[], undoArgv: string[]): Promise<void> {
    this.journal.add(undoArgv);
    try {
      await this.exec(doArgv);
    } catch (e) {
      this.journal.remove(undoArgv);
      throw e;
    }
    this.applied.push(undoArgv);
  }
}
