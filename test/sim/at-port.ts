/**
 * A raw AT terminal for the simulator tests: the serial port opened with serialport exactly
 * as the gateway opens a modem, every read kept as its own chunk (so tests can see how bytes
 * were split across writes), and waiting on text patterns with a deadline.
 */
import { SerialPort } from 'serialport';

export const DELIVER_PDU = '07911326040000F0040B911346610089F60000208062917314800CC8F71D14969741F977FD07';
/** The same message as class 0 (TP-DCS 0x10) and class 2 (SIM-specific, 0x12). */
export const DELIVER_CLASS0 = DELIVER_PDU.replace('89F60000', '89F60010');
export const SUBMIT_PDU = '0011000B911346610089F60000AA0CC8F71D14969741F977FD07';
export const STATUS_REPORT_PDU = '0006' + '2A' + '0B911346610089F6' + '20806291731480' + '20806291731480' + '00';

export function tpduLen(hex: string): number {
  return hex.length / 2 - 1 - parseInt(hex.slice(0, 2), 16);
}

export class AtPort {
  readonly chunks: Buffer[] = [];
  private text = '';
  private mark = 0;
  private waiters: (() => void)[] = [];

  private constructor(readonly port: SerialPort) {
    port.on('data', (d: Buffer) => {
      this.chunks.push(d);
      this.text += d.toString('latin1');
      for (const w of this.waiters.splice(0)) w();
    });
    port.on('error', () => undefined);
  }

  static async open(path: string): Promise<AtPort> {
    const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
    return new AtPort(port);
  }

  /** Everything received since the last mark. */
  get received(): string {
    return this.text.slice(this.mark);
  }

  /** Forgets what came before (waits look only at what arrives after). */
  reset(): void {
    this.mark = this.text.length;
    this.chunks.length = 0;
  }

  write(data: string | Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      this.port.write(data, (e) => (e ? reject(e) : this.port.drain(() => resolve())));
    });
  }

  /** Waits until the text since the mark matches; resolves with that text. */
  async waitFor(pattern: RegExp | string, timeoutMs = 3000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    const matches = (): boolean => (typeof pattern === 'string' ? this.received.includes(pattern) : pattern.test(this.received));
    while (!matches()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${String(pattern)}; got ${JSON.stringify(this.received)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.received;
  }

  /**
   * Sends a command line and waits for its final result code; returns the text up to and
   * including it (URCs that follow stay in `received`).
   */
  async command(line: string, timeoutMs = 3000): Promise<string> {
    this.reset();
    await this.write(`${line}\r`);
    const final = /\r\n(OK|ERROR|\+CM[ES] ERROR: [^\r]*)\r\n/;
    const text = await this.waitFor(final, timeoutMs);
    const m = final.exec(text);
    return m ? text.slice(0, m.index + m[0].length) : text;
  }

  /** Waits ms, then returns everything since the last mark (for 'nothing happens' checks). */
  async quiet(ms: number): Promise<string> {
    await new Promise((r) => setTimeout(r, ms));
    return this.received;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.port.isOpen) {
        resolve();
        return;
      }
      this.port.close(() => resolve());
    });
  }
}
