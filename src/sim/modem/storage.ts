/**
 * Message storage of the simulated modem: the SIM's slots (SM), the module's own flash (ME)
 * and the combined view some firmwares offer (MT = ME then SM). Stat values are those of
 * 3GPP 27.005 §3.1: 0 REC UNREAD, 1 REC READ, 2 STO UNSENT, 3 STO SENT. Indices are reported
 * from the profile's index base (0 on some firmwares, 1 on others).
 */
import type { MemName } from './types.js';

export type SmsStat = 0 | 1 | 2 | 3;

export interface StoredSms {
  stat: SmsStat;
  /** PDU hex as the modem reports it in +CMGR/+CMGL: SMSC address then TPDU. */
  readonly pdu: string;
  /** Whether this is an SMS-STATUS-REPORT (27.005 §3.4.1 <ds>=2 stores them). */
  readonly statusReport: boolean;
}

export interface StorageEntry extends StoredSms {
  readonly index: number;
}

type Physical = 'SM' | 'ME';

export class SmsStorage {
  private readonly slots: Record<Physical, (StoredSms | undefined)[]>;
  /** Capacity taken away by a 'storage full' fault without writing messages. */
  private readonly blocked: Record<Physical, number> = { SM: 0, ME: 0 };

  constructor(
    sizes: { readonly SM: number; readonly ME: number },
    private readonly indexBase: number,
  ) {
    this.slots = { SM: new Array<StoredSms | undefined>(sizes.SM).fill(undefined), ME: new Array<StoredSms | undefined>(sizes.ME).fill(undefined) };
  }

  /** MT is ME then SM (the order Huawei and ZTE firmwares list them). */
  private view(mem: MemName): { phys: Physical; offset: number }[] {
    if (mem === 'MT') return [{ phys: 'ME', offset: 0 }, { phys: 'SM', offset: this.slots.ME.length }];
    return [{ phys: mem, offset: 0 }];
  }

  total(mem: MemName): number {
    return this.view(mem).reduce((n, v) => n + this.slots[v.phys].length, 0);
  }

  used(mem: MemName): number {
    return this.view(mem).reduce((n, v) => n + this.slots[v.phys].filter((s) => s !== undefined).length + this.blocked[v.phys], 0);
  }

  full(mem: MemName): boolean {
    return this.used(mem) >= this.total(mem);
  }

  /** Stores a message in the first free slot; the reported index, or undefined when full. */
  put(mem: MemName, sms: StoredSms): number | undefined {
    for (const v of this.view(mem)) {
      const slots = this.slots[v.phys];
      if (slots.filter((s) => s !== undefined).length + this.blocked[v.phys] >= slots.length) continue;
      const i = slots.findIndex((s) => s === undefined);
      if (i < 0) continue;
      slots[i] = sms;
      return this.indexBase + v.offset + i;
    }
    return undefined;
  }

  private locate(mem: MemName, index: number): { phys: Physical; i: number } | undefined {
    const n = index - this.indexBase;
    for (const v of this.view(mem)) {
      const i = n - v.offset;
      if (i >= 0 && i < this.slots[v.phys].length) return { phys: v.phys, i };
    }
    return undefined;
  }

  /** Whether index names a slot of mem at all (27.005 §3.2.5 error 321 otherwise). */
  validIndex(mem: MemName, index: number): boolean {
    return this.locate(mem, index) !== undefined;
  }

  get(mem: MemName, index: number): StoredSms | undefined {
    const at = this.locate(mem, index);
    return at === undefined ? undefined : this.slots[at.phys][at.i];
  }

  delete(mem: MemName, index: number): boolean {
    const at = this.locate(mem, index);
    if (at === undefined || this.slots[at.phys][at.i] === undefined) return false;
    this.slots[at.phys][at.i] = undefined;
    return true;
  }

  list(mem: MemName): StorageEntry[] {
    const out: StorageEntry[] = [];
    for (const v of this.view(mem)) {
      this.slots[v.phys].forEach((s, i) => {
        if (s !== undefined) out.push({ ...s, index: this.indexBase + v.offset + i });
      });
    }
    return out;
  }

  /** Every stored message of mem; the objects are live (a read marks them read). */
  entries(mem: MemName): { index: number; sms: StoredSms }[] {
    const out: { index: number; sms: StoredSms }[] = [];
    for (const v of this.view(mem)) {
      this.slots[v.phys].forEach((s, i) => {
        if (s !== undefined) out.push({ index: this.indexBase + v.offset + i, sms: s });
      });
    }
    return out;
  }

  /** Marks all free capacity of mem as taken (a full memory the TE cannot see into). */
  block(mem: MemName): void {
    for (const v of this.view(mem)) {
      const slots = this.slots[v.phys];
      this.blocked[v.phys] = slots.length - slots.filter((s) => s !== undefined).length;
    }
  }

  unblock(): void {
    this.blocked.SM = 0;
    this.blocked.ME = 0;
  }
}
