import type { Logger } from '../util/log.js';

/**
 * The wire trace: every byte to and from the modem, at debug level on the `wire` logger,
 * with direction and control characters escaped (`AT+CSQ<CR>`, `<CR><LF>OK<CR><LF>`,
 * `<SUB>` for Ctrl-Z, `<ESC>`, `<0xNN>` for other bytes). Costs nothing when debug is off.
 */
export type Direction = 'tx' | 'rx';

const NAMES: Readonly<Record<number, string>> = { 0x0d: '<CR>', 0x0a: '<LF>', 0x1a: '<SUB>', 0x1b: '<ESC>', 0x00: '<NUL>' };

export function escapeWire(data: Buffer | string, maxBytes = 4096): string {
  const buf = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
  let out = '';
  const n = Math.min(buf.length, maxBytes);
  for (let i = 0; i < n; i++) {
    const b = buf[i] as number;
    const name = NAMES[b];
    if (name) out += name;
    else if (b < 0x20 || b >= 0x7f) out += `<0x${b.toString(16).padStart(2, '0')}>`;
    else out += String.fromCharCode(b);
  }
  if (buf.length > n) out += `<…${buf.length - n} more bytes>`;
  return out;
}

export class WireTrace {
  private readonly log: Logger;
  private readonly port: string;

  constructor(log: Logger, port: string) {
    this.log = log;
    this.port = port;
  }

  record(direction: Direction, data: Buffer | string): void {
    if (!this.log.isLevelEnabled('debug')) return;
    this.log.debug({ port: this.port, dir: direction === 'tx' ? '>>' : '<<', data: escapeWire(data) }, 'wire');
  }
}
