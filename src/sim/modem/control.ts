/**
 * The control channel: JSON lines over a unix socket. A client sends
 * `{"id":1,"method":"deliverSms","params":{…}}` and gets `{"id":1,"result":…}` or
 * `{"id":1,"error":{"code":"…","message":"…"}}`; the simulator pushes
 * `{"event":"sent","data":{…}}` to every connected client. docs/SIMULATOR.md lists the methods.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { rmSync } from 'node:fs';
import { MmsgwError, errorMessage } from '../../util/errors.js';

export interface ControlRequest {
  readonly id: number | string;
  readonly method: string;
  readonly params?: unknown;
}

export type ControlMessage =
  | { readonly id: number | string; readonly result: unknown }
  | { readonly id: number | string; readonly error: { readonly code: string; readonly message: string } }
  | { readonly event: string; readonly data: unknown };

export type ControlMethod = (params: unknown) => unknown;
export type ControlMethods = Readonly<Record<string, ControlMethod>>;

/** A longest line the server accepts; a PDU-carrying request is far below it. */
const MAX_LINE = 1 << 20;

export class ControlServer {
  private readonly server: Server;
  private readonly clients = new Set<Socket>();

  private constructor(
    readonly path: string,
    private readonly methods: ControlMethods,
  ) {
    this.server = createServer((socket) => this.connection(socket));
  }

  static async listen(path: string, methods: ControlMethods): Promise<ControlServer> {
    rmSync(path, { force: true });
    const s = new ControlServer(path, methods);
    await new Promise<void>((resolve, reject) => {
      s.server.once('error', reject);
      s.server.listen(path, () => {
        s.server.off('error', reject);
        resolve();
      });
    });
    return s;
  }

  private connection(socket: Socket): void {
    this.clients.add(socket);
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      if (buffer.length > MAX_LINE && !buffer.includes('\n')) {
        socket.destroy();
        return;
      }
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (line !== '') void this.request(socket, line);
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => this.clients.delete(socket));
  }

  private async request(socket: Socket, line: string): Promise<void> {
    let req: ControlRequest;
    try {
      req = JSON.parse(line) as ControlRequest;
      if (typeof req !== 'object' || req === null || typeof req.method !== 'string' || (typeof req.id !== 'number' && typeof req.id !== 'string')) throw new Error('not a request');
    } catch (e) {
      send(socket, { id: -1, error: { code: 'SIM_BAD_REQUEST', message: `unreadable request: ${errorMessage(e)}` } });
      return;
    }
    const method = Object.hasOwn(this.methods, req.method) ? this.methods[req.method] : undefined;
    if (method === undefined) {
      send(socket, { id: req.id, error: { code: 'SIM_UNKNOWN_METHOD', message: `no method '${req.method}'` } });
      return;
    }
    try {
      const result: unknown = await method(req.params ?? {});
      send(socket, { id: req.id, result: result ?? null });
    } catch (e) {
      const code = e instanceof MmsgwError ? e.code : 'SIM_FAILED';
      send(socket, { id: req.id, error: { code, message: errorMessage(e) } });
    }
  }

  broadcast(event: string, data: unknown): void {
    for (const c of this.clients) send(c, { event, data });
  }

  async close(): Promise<void> {
    for (const c of this.clients) c.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.path, { force: true });
  }
}

function send(socket: Socket, msg: ControlMessage): void {
  if (!socket.destroyed) socket.write(`${JSON.stringify(msg)}\n`);
}
