/**
 * A client of the simulators' JSON-lines control sockets (the protocol of
 * src/sim/modem/control.ts): one request per line with an id, one answer per line with it,
 * events pushed to every client.
 */
import { EventEmitter } from 'node:events';
import { connect, type Socket } from 'node:net';
import { MmsgwError } from '../util/errors.js';

export class JsonLinesClient extends EventEmitter {
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private buffer = '';

  private constructor(private readonly socket: Socket, readonly path: string) {
    super();
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.data(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      for (const p of this.pending.values()) p.reject(new MmsgwError('SIM_CLOSED', `control socket ${path} closed`));
      this.pending.clear();
      this.emit('close');
    });
    socket.unref();
  }

  static connect(path: string): Promise<JsonLinesClient> {
    return new Promise((resolve, reject) => {
      const s = connect(path);
      s.once('connect', () => {
        s.off('error', reject);
        resolve(new JsonLinesClient(s, path));
      });
      s.once('error', (e) => reject(new MmsgwError('SIM_CONNECT_FAILED', `cannot reach the control socket ${path}: ${e.message}`, { cause: e })));
    });
  }

  private data(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      let msg: { id?: unknown; result?: unknown; error?: { code: string; message: string }; event?: string; data?: unknown };
      try {
        msg = JSON.parse(line) as typeof msg;
      } catch {
        continue;
      }
      if (typeof msg.event === 'string') {
        this.emit(msg.event, msg.data);
        continue;
      }
      const p = typeof msg.id === 'number' ? this.pending.get(msg.id) : undefined;
      if (!p) continue;
      this.pending.delete(msg.id as number);
      if (this.pending.size === 0) this.socket.unref();
      if (msg.error) p.reject(new MmsgwError(msg.error.code, msg.error.message));
      else p.resolve(msg.result);
    }
  }

  call<T = unknown>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    if (this.socket.destroyed) return Promise.reject(new MmsgwError('SIM_CLOSED', `control socket ${this.path} closed`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.socket.ref();
      this.socket.write(`${JSON.stringify({ id, method, params })}\n`);
    });
  }

  close(): void {
    this.socket.destroy();
  }
}
