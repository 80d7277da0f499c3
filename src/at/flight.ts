import type { AtCommand, AtResponse } from './command.js';
import { AtError } from './errors.js';

/**
 * One command in flight, from its line written to its promise settled: the lines and raw
 * payloads the channel routes to it, its deadline, its AbortSignal, and its answer turned into
 * a value by AtCommand.parse (or into an AtError). Which line is whose is ./route.ts; when it
 * may start is ./queue.ts.
 */
export interface InFlight {
  readonly command: AtCommand<unknown>;
  readonly lines: string[];
  readonly raw: Buffer[];
  lastWasResponse: boolean;
  /**
   * The "> " prompt arrived: writes the command's `prompt` text (3GPP 27.005 §3.5.1), once.
   * False when this command has no prompt text to give (none, or already given).
   */
  answerPrompt(): boolean;
  finish(error: AtError | undefined, final?: string): void;
}

/** What a command in flight needs of its channel. */
export interface FlightHost {
  /** Writes to the port: the command line, its prompt text, the ESC that cancels a prompt. */
  write(data: Buffer | string): Promise<void>;
  /** Makes `flight` the command the channel routes lines to. */
  begin(flight: InFlight): void;
  /** Whether `flight` is still that command; one that is not can no longer finish. */
  isCurrent(flight: InFlight): boolean;
  /** `flight` has finished: no line goes to it any more. */
  end(flight: InFlight): void;
  /** The command was given up (timeout, abort) while the modem may still answer it. */
  abandoned(): void;
  /** No final result in time; called once the command was given up with `error`. */
  timedOut(error: AtError): void;
}

/** 27.005 §3.5.1: cancels a pending "> " prompt. */
export const ESC = '\x1b';

/** Writes `command` and settles with its parsed answer, or rejects with an AtError. */
export function startFlight<T>(command: AtCommand<T>, timeoutMs: number, signal: AbortSignal | undefined, host: FlightHost): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let promptSent = false;
    const timer = setTimeout(() => {
      const e = new AtError('AT_TIMEOUT', `no final result within ${timeoutMs} ms`, { command: command.text, details: { timeoutMs, lines: flight.lines } });
      abandon(e);
      host.timedOut(e);
    }, timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      host.end(flight);
    };
    const abandon = (error: AtError): void => {
      // The modem may still answer; keep that late answer away from the next command.
      host.abandoned();
      if (command.prompt !== undefined && !promptSent) host.write(ESC).catch(() => undefined); // 27.005 §3.5.1: ESC cancels
      flight.finish(error);
    };
    const onAbort = (): void => abandon(new AtError('AT_ABORTED', 'aborted', { command: command.text }));
    const flight: InFlight = {
      command,
      lines: [],
      raw: [],
      lastWasResponse: false,
      answerPrompt: () => {
        if (command.prompt === undefined || promptSent) return false;
        promptSent = true;
        const hooks = command.promptHooks;
        hooks?.beforeWrite?.();
        host
          .write(command.prompt)
          .then(() => hooks?.written?.())
          .catch((e: unknown) => flight.finish(e instanceof AtError ? e : new AtError('AT_PORT_CLOSED', String(e))));
        return true;
      },
      finish: (error, final) => {
        if (!host.isCurrent(flight)) return;
        cleanup();
        if (error) {
          reject(error);
          return;
        }
        const response: AtResponse = { lines: flight.lines, raw: flight.raw, final: final ?? 'OK' };
        try {
          resolve(command.parse(response));
        } catch (e) {
          reject(e instanceof AtError ? e : new AtError('AT_PARSE', `cannot parse the answer: ${e instanceof Error ? e.message : String(e)}`, { command: command.text, cause: e, details: { lines: flight.lines } }));
        }
      },
    };
    host.begin(flight);
    signal?.addEventListener('abort', onAbort, { once: true });
    host.write(`${command.text}\r`).catch((e: unknown) => flight.finish(e instanceof AtError ? e : new AtError('AT_PORT_CLOSED', String(e), { command: command.text })));
  });
}
