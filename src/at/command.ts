/**
 * A typed AT command: how it is written, which response prefixes belong to it, how long it
 * may take, and how its answer is parsed. One small module per command lives in
 * src/modem/commands/ and builds these.
 */
export interface AtResponse {
  /** Information lines that belong to the command, in order; a PDU line follows its header. */
  readonly lines: readonly string[];
  /** Raw payloads read after CONNECT (see `rawAfter`). */
  readonly raw: readonly Buffer[];
  /** The final result line ('OK', or 'CONNECT …' for a command that ends in CONNECT). */
  readonly final: string;
}

export interface AtCommand<T> {
  /** The command line without the terminating CR, e.g. 'AT+CSQ'. */
  readonly text: string;
  /**
   * Prefixes of valid information lines ('+CSQ:'). Omitted: every line that is neither a final
   * result nor a notification is a response (ATI, +CGMI, +CGSN, +CIMI answer in bare text).
   */
  readonly prefixes?: readonly string[];
  /** Milliseconds from writing the command to its final result. */
  readonly timeoutMs?: number;
  /** Written after the `> ` prompt (3GPP 27.005 §3.5.1); end it with Ctrl-Z (0x1A). */
  readonly prompt?: Buffer | string;
  /**
   * Called just before the prompt text is written and once it is written: the edges of the
   * window in which the modem may have sent something nobody has recorded yet (the SMS
   * submit's crash points hang here).
   */
  readonly promptHooks?: { readonly beforeWrite?: () => void; readonly written?: () => void };
  /**
   * For a line whose prefix is also a notification (+CREG:), says whether this line answers
   * the command. Default: every line with a declared prefix does.
   */
  readonly isResponse?: (line: string) => boolean;
  /**
   * Called for each information line and for CONNECT; a number makes the channel read exactly
   * that many raw bytes next (modem HTTP/file reads). CONNECT is then not final.
   */
  readonly rawAfter?: (line: string) => number | undefined;
  /**
   * Whether NO CARRIER / BUSY / NO ANSWER / NO DIALTONE (V.250 §6.3 call progress) end this
   * command. Default: for ATD, ATA, ATO, +CGDATA and commands with a data phase (`rawAfter`);
   * for any other command those lines are notifications (a data call ending on another port).
   */
  readonly callProgress?: boolean;
  /**
   * Taken before the queued commands that are not (never before the one in flight, never
   * inside an exclusive sequence): reading and deleting a received message (27.005 +CMGR,
   * +CMGD, +CNMA, the +CPMS that selects its storage). A message waiting in the modem is then
   * read before the next one is sent: with several sends queued, each waiting seconds for the
   * SMSC's answer to +CMGS, received messages and delivery reports would otherwise wait for
   * all of them, and the modem's storage would fill meanwhile. The inbox handles one message
   * at a time, so the sends still get every other turn.
   */
  readonly receive?: boolean;
  /** Turns the response into a value; throw an MmsgwError for an answer that makes no sense. */
  readonly parse: (response: AtResponse) => T;
}

/** A command whose answer is just OK. */
export function simpleCommand(text: string, timeoutMs?: number): AtCommand<void> {
  return { text, ...(timeoutMs === undefined ? {} : { timeoutMs }), parse: () => undefined };
}

/** The part of a line after `prefix`, trimmed. */
export function afterPrefix(line: string, prefix: string): string {
  return line.slice(prefix.length).trim();
}
