/**
 * The modem simulator's extension points. A command is a handler in a table keyed by its
 * name as the modem parses it ('+CMGS', '^CURC', 'E', '&F'); profiles and the AT HTTP stack
 * (./httpstack.ts) add or override entries. A handler sees the parsed command and a context
 * that gives it the modem's state and the line (prompts, raw reads, URCs), and returns the
 * information lines and the final result code (ITU-T V.250 §5.7, 3GPP 27.007 §4.1).
 */
import type { ModemState } from './state.js';
import type { SmsNetwork } from './delivery.js';
import type { InterleaveSpec } from './interleave.js';

/** V.250 §5.3: exec `AT+X`, set `AT+X=…`, read `AT+X?`, test `AT+X=?`. */
export type CommandKind = 'exec' | 'set' | 'read' | 'test';

/** One parameter of a set command; `value` has the quotes removed. */
export interface AtParam {
  readonly raw: string;
  readonly value: string;
  readonly quoted: boolean;
}

export interface AtCommand {
  /** Upper-case name with its prefix: '+CMGS', '^CURC', 'E', 'I', '&F', 'S0'. */
  readonly name: string;
  readonly kind: CommandKind;
  /** The text after '=' (set) or after a basic command's letter (its number), verbatim. */
  readonly args: string;
  readonly params: readonly AtParam[];
  /** The command as written, without the leading AT, e.g. '+CMGS=23'. */
  readonly text: string;
}

/** Final result codes (V.250 §5.7.1; 27.007 §9.2 +CME ERROR; 27.005 §3.2.5 +CMS ERROR). */
export type FinalResult =
  | { readonly kind: 'ok' }
  | { readonly kind: 'error' }
  | { readonly kind: 'cme'; readonly code: number }
  | { readonly kind: 'cms'; readonly code: number }
  /** A literal final line, e.g. 'NO CARRIER' or an injected '+CMS ERROR: 500'. */
  | { readonly kind: 'text'; readonly text: string }
  /** The handler wrote everything itself (or the modem stays silent). */
  | { readonly kind: 'none' };

export interface Reply {
  readonly lines: readonly string[];
  readonly final: FinalResult;
  /** Runs once the final result has been written (e.g. the reset after AT+CFUN=1,1's OK). */
  readonly after?: () => void;
}

export interface BodyInput {
  readonly text: string;
  readonly cancelled: boolean;
}

/** What a handler may do besides returning its reply. */
export interface CommandContext {
  readonly state: ModemState;
  readonly profile: ModemProfile;
  readonly network: SmsNetwork;
  /** Writes bytes at once, before the reply: prompts ('\r\n> '), 'CONNECT', binary data. */
  writeRaw(data: string | Uint8Array): void;
  /** Reads text input up to Ctrl-Z (send) or ESC (cancel), echoing it when echo is on (27.005 §3.5.1). */
  readUntilCtrlZ(timeoutMs?: number): Promise<BodyInput>;
  /** Reads exactly n raw bytes (no echo), or undefined when timeoutMs passes first. */
  readBytes(n: number, timeoutMs: number): Promise<Uint8Array | undefined>;
  /** Queues an unsolicited result; written now when the line is idle, else after the reply. */
  urc(line: string): void;
  /** Runs fn after ms unless the modem reboots or is unplugged first. */
  schedule(ms: number, fn: () => void): void;
  /** Sends an event to control clients. */
  emit(event: string, data: unknown): void;
  /** Resets the modem as AT+CFUN=1,1 does (after the reply). */
  reboot(): void;
  /** Re-evaluates registration (after +CFUN, +COPS, PIN entry) and writes +CxREG URCs. */
  registrationChanged(): void;
  /**
   * A failure injected for this command at the 'input' stage (see failNext): a handler that
   * reads a body (AT+CMGS) calls this after the read and, when set, returns it instead of acting.
   */
  takeFailure(): FinalResult | undefined;
}

export type CommandHandler = (ctx: CommandContext, cmd: AtCommand) => Reply | Promise<Reply>;
export type HandlerTable = Readonly<Record<string, CommandHandler>>;

/** Which +CNMI values a firmware accepts (27.005 §3.4.1); anything else is +CMS ERROR: 303. */
export interface CnmiSupport {
  readonly mode: readonly number[];
  readonly mt: readonly number[];
  readonly bm: readonly number[];
  readonly ds: readonly number[];
  readonly bfr: readonly number[];
  readonly defaults: readonly [number, number, number, number, number];
}

export type MemName = 'SM' | 'ME' | 'MT';

export interface SignalReport {
  readonly rssi: number;
  readonly ber: number;
  readonly rsrq: number;
  readonly rsrp: number;
}

export interface Identity {
  readonly manufacturer: string;
  readonly model: string;
  readonly revision: string;
  readonly imei: string;
}

/** One vendor dialect: identity strings, URC style, storage and the quirks that matter. */
export interface ModemProfile {
  readonly name: string;
  readonly identity: Identity;
  /** Lines of ATI (V.250 §6.1.3), as the firmware prints them. */
  readonly ati: readonly string[];
  /** Which of +CGMI/+CGMM/+CGMR/+CGSN answer '+CGMR: x' rather than the bare value. */
  readonly prefixedIdentity: readonly string[];
  /** Memories +CPMS accepts, their sizes, the first index, and the boot-time selection. */
  readonly storage: {
    readonly mems: readonly MemName[];
    readonly sizes: { readonly SM: number; readonly ME: number };
    readonly indexBase: 0 | 1;
    readonly defaults: readonly [MemName, MemName, MemName];
  };
  readonly cnmi: CnmiSupport;
  /** Whether the firmware knows +CEREG (27.007 §10.1.22): LTE modules do, 3G sticks do not. */
  readonly lte: boolean;
  /** Lines printed after a power-up or reset, in order ('RDY', '+QIND: PB DONE', …). */
  readonly bootUrcs: readonly string[];
  /**
   * Those boot lines that need an open SIM ('+CPIN: READY', 'SMS DONE'): held back while the
   * SIM waits for its PIN ('+CPIN: SIM PIN' is printed instead) and printed once it opens.
   */
  readonly simUrcs: readonly string[];
  /** Whether AT+CFUN=1,1 re-enumerates on USB, so the tty vanishes and comes back. */
  readonly resetDropsUsb: boolean;
  /** How long the firmware takes from reset to the first boot URC, in ms. */
  readonly bootMs: number;
  /** Vendor URC on a signal change (Huawei ^RSSI), when its reporting is on. */
  signalUrc?(state: ModemState, signal: SignalReport): string | undefined;
  /** Vendor URC on a change of radio technology (Huawei ^MODE). */
  modeUrc?(state: ModemState, act: number): string | undefined;
  /** Vendor URC when SMS storage fills up (Huawei ^SMMEMFULL). */
  memoryFullUrc?(mem: MemName): string | undefined;
  /** Vendor URCs that repeat while the modem runs (Huawei ^BOOT), when enabled. */
  readonly periodicUrcs?: readonly { readonly everyMs: number; line(state: ModemState): string | undefined }[];
  /** Vendor commands (^CURC, +QINDCFG, …), merged over the standard table. */
  readonly handlers?: HandlerTable;
  /**
   * After a power-up the SIM is still being read for this long: +CPIN? and every SIM command
   * answer +CME ERROR: 14 (SIM busy, 27.007 §9.2.1), SMS commands +CMS ERROR: 314.
   */
  readonly simBusyMs?: number;
  /** How many PDP contexts +CGDCONT accepts (cids 1..n). */
  readonly maxContexts: number;
  /**
   * Where the firmware writes URCs inside a reply (between echo and result, between lines,
   * before the final result, at the SMS prompt), which, how often — with the source it was
   * seen in. Without it, URCs wait for the end of the reply (except with +CNMI <mode> 3).
   */
  readonly interleave?: InterleaveSpec;
}
