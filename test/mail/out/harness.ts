/**
 * Test harness for the outbound mail tests: a real SMTP server (smtp-server) on 127.0.0.1,
 * a throwaway self-signed certificate made with openssl, and the two independent parsers
 * (mailparser in-process, Python's email package in a child process).
 */
import { execFileSync, spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerAuthentication, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';

export interface ReceivedMail {
  readonly from: string;
  readonly to: string[];
  readonly raw: Buffer;
  readonly user: unknown;
  /** Whether the session had been upgraded to TLS when the message arrived. */
  readonly secure: boolean;
}

export interface SmtpHarness {
  readonly port: number;
  readonly received: ReceivedMail[];
  readonly auths: Array<{ method: string; username: string | undefined; accessToken: string | undefined }>;
  close(): Promise<void>;
}

export type HarnessOptions = Omit<SMTPServerOptions, 'onData'>;

/** Starts smtp-server on an ephemeral port; messages are collected in `received`. */
export async function startSmtp(options: HarnessOptions = {}): Promise<SmtpHarness> {
  const received: ReceivedMail[] = [];
  const auths: SmtpHarness['auths'] = [];
  const userOnAuth = options.onAuth;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    ...options,
    ...(userOnAuth === undefined
      ? {}
      : {
          onAuth(auth: SMTPServerAuthentication, session: SMTPServerSession, cb) {
            auths.push({ method: auth.method, username: auth.username, accessToken: auth.accessToken });
            userOnAuth(auth, session, cb);
          },
        }),
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if ((stream as { sizeExceeded?: boolean }).sizeExceeded === true) {
          cb(Object.assign(new Error('Message exceeds fixed maximum message size'), { responseCode: 552 }));
          return;
        }
        const env = session.envelope;
        received.push({
          from: env.mailFrom === false ? '' : env.mailFrom.address,
          to: env.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
          user: session.user,
          secure: session.secure,
        });
        cb(null, 'Ok: queued as TEST1');
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    received,
    auths,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface TestCert {
  readonly key: string;
  readonly cert: string;
}

/** A self-signed certificate for 127.0.0.1/localhost, made with openssl; undefined without it. */
export function makeSelfSignedCert(): TestCert | undefined {
  const probe = spawnSync('openssl', ['version']);
  if (probe.status !== 0) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-cert-'));
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
        '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

export function parseWithMailparser(raw: Buffer): Promise<ParsedMail> {
  return simpleParser(raw, { skipImageLinks: true });
}

export interface PyPart {
  content_type: string;
  charset: string | null;
  disposition: string | null;
  filename: string | null;
  content_id: string | null;
  sha256: string;
  size: number;
  text?: string;
}

export interface PyMail {
  headers: Record<string, string[]>;
  addresses: Record<string, Array<{ name: string; address: string }>>;
  header_names: string[];
  defects: string[];
  parts: PyPart[];
}

const PY_SCRIPT = fileURLToPath(new URL('./parse_mail.py', import.meta.url));

/**
 * Python's email package (policy.default) in one child process per test file: starting
 * Python costs far more than parsing, so messages are streamed to it as length-prefixed
 * frames and answered one JSON line each. `close()` ends the child.
 */
export class PythonMailParser {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #lines: AsyncIterator<string>;
  #stderr = '';
  #queue: Promise<unknown> = Promise.resolve();

  constructor() {
    this.#child = spawn('python3', [PY_SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.#child.stderr.on('data', (c: Buffer) => (this.#stderr += c.toString()));
    this.#lines = createInterface({ input: this.#child.stdout })[Symbol.asyncIterator]();
  }

  parse(raw: Buffer): Promise<PyMail> {
    const run = async (): Promise<PyMail> => {
      this.#child.stdin.write(`${raw.length}\n`);
      this.#child.stdin.write(raw);
      const next = await this.#lines.next();
      if (next.done === true) throw new Error(`parse_mail.py ended: ${this.#stderr}`);
      return JSON.parse(next.value) as PyMail;
    };
    const result = this.#queue.then(run, run);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.#child.exitCode !== null) {
        resolve();
        return;
      }
      this.#child.once('close', () => resolve());
      this.#child.stdin.end();
    });
  }
}
