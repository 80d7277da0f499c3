/**
 * A C MMS decoder as the codec benchmark's baseline: Wireshark's MMS dissector, run by tshark.
 *
 * Each MMS PDU is wrapped in a packet tshark hands to that dissector — a connectionless WSP Push
 * (WAP-230-WSP §8.2.4.1: TID, PDU type 0x06, HeadersLen, ContentType, Data) whose content type is
 * the well-known short integer 0x3E, application/vnd.wap.mms-message (WAP-230-WSP §8.4.2.24 and
 * Table 40), on UDP port 2948 (the WAP connectionless push port), in IPv4 in Ethernet, in a pcap
 * file (link type 1). UDP checksums are 0 ("not computed", RFC 768); the IPv4 header checksum is
 * computed (RFC 791 §3.1). A PDU must fit one IPv4 datagram (MAX_PDU); larger ones are left out.
 *
 * tshark's CPU time per decode is the difference of two runs over the same file: one with the
 * MMS dissector enabled and one with `--disable-protocol mmse` (same frame/Ethernet/IP/UDP/WSP
 * work, the MMS body left as undissected data). CPU time is the child's user + system time.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { udpPacket } from '../test/helpers/pcap.js';

export const TSHARK = '/usr/bin/tshark';
export const WAP_PUSH_PORT = 2948;
/** WAP-230-WSP Table 40: 0x3E = application/vnd.wap.mms-message; encoded as a short integer. */
const MMS_CONTENT_TYPE = 0x80 | 0x3e;
const PDU_PUSH = 0x06;
/** Largest MMS PDU one IPv4 datagram carries in this wrapping (65535 − IP 20 − UDP 8 − WSP 4). */
export const MAX_PDU = 65535 - 20 - 8 - 4;

export function tsharkAvailable(): boolean {
  return existsSync(TSHARK);
}

/** Connectionless WSP Push carrying `pdu` (HeadersLen 1: the content type alone, no headers). */
export function wspPush(pdu: Uint8Array, tid: number): Uint8Array {
  const out = new Uint8Array(4 + pdu.length);
  out[0] = tid & 0xff;
  out[1] = PDU_PUSH;
  out[2] = 1; // HeadersLen (uintvar): ContentType only
  out[3] = MMS_CONTENT_TYPE;
  out.set(pdu, 4);
  return out;
}

/**
 * A pcap file of `frames` (libpcap format as in test/helpers/pcap.ts, written into one Buffer:
 * the repeated corpus runs to ~100 MB, too big for that helper's arrays of numbers).
 */
export function pcap(frames: readonly Uint8Array[]): Buffer {
  const size = 24 + frames.reduce((a, f) => a + 16 + f.length, 0);
  const b = Buffer.alloc(size);
  b.writeUInt32LE(0xa1b2c3d4, 0);
  b.writeUInt16LE(2, 4);
  b.writeUInt16LE(4, 6);
  b.writeUInt32LE(262144, 16); // snaplen
  b.writeUInt32LE(1, 20); // LINKTYPE_ETHERNET
  let at = 24;
  frames.forEach((f, i) => {
    b.writeUInt32LE(1_700_000_000 + Math.floor(i / 1000), at);
    b.writeUInt32LE((i % 1000) * 1000, at + 4);
    b.writeUInt32LE(f.length, at + 8);
    b.writeUInt32LE(f.length, at + 12);
    b.set(f, at + 16);
    at += 16 + f.length;
  });
  return b;
}

/**
 * Writes a pcap with `pdus` repeated `rounds` times, one MMS PDU per packet (each PDU's frame is
 * built once — Ethernet/IPv4/UDP by test/helpers/pcap.ts, UDP from 9200 to 2948 — and repeated).
 */
export function writeMmsPcap(path: string, pdus: readonly Uint8Array[], rounds: number): number {
  const once = pdus.map((p, i) => {
    if (p.length > MAX_PDU) throw new Error(`a PDU of ${p.length} octets does not fit one IPv4 datagram`);
    return Uint8Array.from(udpPacket(wspPush(p, i), WAP_PUSH_PORT, i + 1));
  });
  const frames: Uint8Array[] = [];
  for (let r = 0; r < rounds; r++) frames.push(...once);
  writeFileSync(path, pcap(frames));
  return frames.length;
}

/** CPU time of this process's waited-for children: cutime + cstime (/proc/self/stat fields 16, 17). */
function childCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // f[0] is field 3
  return ((Number(f[13]) + Number(f[14])) * 1000) / CLK_TCK;
}
/** USER_HZ, the unit of /proc times: fixed at 100 by the Linux user ABI. */
const CLK_TCK = 100;

/**
 * One tshark run over `file`; returns the child's CPU time (user + system) and, when `keep`,
 * its output (otherwise the output goes to /dev/null, as cheap a sink as there is).
 */
function runTshark(env: NodeJS.ProcessEnv, file: string, args: readonly string[], keep = false): { cpuMs: number; stdout: string } {
  const before = childCpuMs();
  const r = spawnSync(TSHARK, ['-n', '-r', file, ...args], { env, maxBuffer: 1 << 28, stdio: ['ignore', keep ? 'pipe' : 'ignore', 'pipe'] });
  const cpuMs = childCpuMs() - before;
  if (r.status !== 0) throw new Error(`tshark ${args.join(' ')} exited ${String(r.status)}: ${r.stderr.toString().trim()}`);
  return { cpuMs, stdout: keep ? r.stdout.toString() : '' };
}

/** What our decoder found in one PDU, for the cross-check against tshark's dissection. */
export interface Expected { name: string; headers: number; parts: number }

export interface Mode {
  label: string;
  /** Arguments given to both runs; the MMS run adds nothing, the other `--disable-protocol mmse`. */
  args: readonly string[];
  /**
   * Without a tree the dissector stops after the message type of a PDU that cannot carry a body:
   * such a mode is measured on the PDUs with a body only (where it walks every header).
   */
  withBodyOnly?: boolean;
  /**
   * Rounds of the corpus in this mode's pcap, per `rounds` asked: the cheaper the dissector's
   * share in a mode, the more packets it needs for the difference to stand well above the
   * kernel's 10 ms accounting tick and the load's noise (each difference is ~0.5–1 s at the default).
   */
  scale: number;
}

/**
 * The modes measured. tshark's MMS dissector parses every header only when a protocol tree is
 * being built (with no tree it returns after the message type for PDUs without a body), so every
 * mode asks for one:
 *  - `fields`: `-T fields -e mmse.message_type` — a tree is built, so every header and every
 *    multipart entry is parsed, but items nobody asked for are not materialised or formatted:
 *    the least extra work. The image and XML dissectors tshark would run on the parts' content
 *    (JPEG segments, GIF blocks, the SMIL document) are disabled in both runs: our decoder does
 *    not parse media. text/plain parts still go through the line-based text dissector, the
 *    counterpart of our part text decoding.
 *  - `-V`: the full display tree printed as text, every default dissector on — what tshark does
 *    for a human, far more than decoding.
 *  - `summary` (`withBodyOnly`): the one-line summaries, no tree — the leanest tshark gets. The
 *    dissector then walks the headers only of PDUs that may carry a body (to hand the parts on)
 *    and stops after the message type for the others (notification-ind, send-conf …), so this
 *    mode runs on the PDUs with a body alone. Each header value is still read (strings copied out),
 *    but what it builds no longer exists: it is the closest tshark comes to a bare parser.
 */
export const MODES: readonly Mode[] = [
  { label: 'fields, media dissectors off', args: ['-T', 'fields', '-e', 'mmse.message_type', '--disable-protocol', 'image-jfif', '--disable-protocol', 'image-gif', '--disable-protocol', 'png', '--disable-protocol', 'xml'], scale: 4 },
  { label: '-V full tree, all dissectors', args: ['-V'], scale: 2 },
  { label: 'summary, no tree, media off', args: ['--disable-protocol', 'image-jfif', '--disable-protocol', 'image-gif', '--disable-protocol', 'png', '--disable-protocol', 'xml'], withBodyOnly: true, scale: 8 },
];

export interface ModeResult {
  mode: Mode;
  /** PDUs in one round (all kept, or those with a body for a `withBodyOnly` mode). */
  pdus: number;
  /** Octets of those PDUs in one round. */
  octets: number;
  packets: number;
  /** Medians over the repetitions, child CPU ms. */
  withMms: number;
  withoutMms: number;
  /** Median over the repetitions of (with − without), child CPU ms: the MMS dissector's share. */
  diffMs: number;
  /** MMS decodes per CPU-second of the MMS dissector alone: packets / diffMs. */
  rate: number;
  samples: { withMms: number[]; withoutMms: number[] };
}

export interface Baseline {
  version: string;
  /** Names of PDUs left out (larger than one IPv4 datagram carries). */
  leftOut: string[];
  /** Disagreements between tshark's dissection and `expected` (empty: every PDU decoded fully). */
  mismatches: string[];
  results: ModeResult[];
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/**
 * Checks that tshark's MMS dissector decodes each PDU fully — no malformed packet or expert
 * warning, every header (the MMS fields plus the Content-Type) and every multipart entry our
 * decoder found — then measures each mode `reps` times over the PDUs repeated `rounds` times.
 */
export function measureTshark(pdus: readonly { name: string; bytes: Uint8Array }[], expected: readonly Expected[], rounds: number, reps: number, modes: readonly Mode[] = MODES): Baseline {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-codec-'));
  // An empty personal configuration: no preference or profile of this machine's user applies.
  const env = { ...process.env, WIRESHARK_CONFIG_DIR: dir };
  try {
    const version = spawnSync(TSHARK, ['--version'], { env }).stdout.toString().split('\n')[0] ?? '';
    const kept = pdus.map((p, i) => ({ ...p, exp: expected[i] as Expected })).filter((p) => p.bytes.length <= MAX_PDU);
    const leftOut = pdus.filter((p) => p.bytes.length > MAX_PDU).map((p) => `${p.name} (${p.bytes.length} octets)`);
    const once = join(dir, 'once.pcap');
    writeMmsPcap(once, kept.map((p) => p.bytes), 1);
    const mismatches = crossCheck(env, once, kept.map((p) => p.exp));
    const results = modes.map((mode, m): ModeResult => {
      const set = mode.withBodyOnly ? kept.filter((p) => p.exp.parts > 0) : kept;
      const many = join(dir, `many-${m}.pcap`);
      const packets = writeMmsPcap(many, set.map((p) => p.bytes), rounds * mode.scale);
      const octets = set.reduce((a, p) => a + p.bytes.length, 0);
      const withMms: number[] = [];
      const withoutMms: number[] = [];
      for (let r = 0; r < reps; r++) {
        withMms.push(runTshark(env, many, mode.args).cpuMs);
        withoutMms.push(runTshark(env, many, [...mode.args, '--disable-protocol', 'mmse']).cpuMs);
      }
      // Each pair runs back to back, under the same load from the machine's other work: the
      // median of the pairs' differences is steadier than the difference of the medians.
      const diffMs = median(withMms.map((x, i) => x - (withoutMms[i] as number)));
      rmSync(many);
      return { mode, pdus: set.length, octets, packets, withMms: median(withMms), withoutMms: median(withoutMms), diffMs, rate: packets / (diffMs / 1000), samples: { withMms, withoutMms } };
    });
    return { version, leftOut, mismatches, results };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

type Layer = Record<string, unknown>;

function crossCheck(env: NodeJS.ProcessEnv, file: string, expected: readonly Expected[]): string[] {
  const out: string[] = [];
  const bad = runTshark(env, file, ['-Y', '_ws.malformed || _ws.expert', '-T', 'fields', '-e', 'frame.number'], true).stdout.trim();
  if (bad) out.push(`malformed or expert info in frames ${bad.split('\n').join(', ')}`);
  const json = JSON.parse(runTshark(env, file, ['-T', 'json', '--no-duplicate-keys', '-J', 'mmse'], true).stdout) as { _source: { layers: Layer } }[];
  expected.forEach((exp, i) => {
    const mmse = json[i]?._source.layers.mmse as Layer | undefined;
    if (!mmse) {
      out.push(`${exp.name}: no MMS layer`);
      return;
    }
    let headers = 'wsp.header.content_type' in mmse ? 1 : 0;
    for (const [k, v] of Object.entries(mmse)) if (k.startsWith('mmse.')) headers += Array.isArray(v) ? v.length : 1;
    const parts = countKey(mmse, 'wsp.multipart');
    // A body that is not a multipart is one part for us and no multipart entry for tshark.
    const partsSeen = parts === 0 && 'wsp.post.data' in mmse ? 1 : parts;
    if (headers !== exp.headers || partsSeen !== exp.parts) {
      out.push(`${exp.name}: tshark ${headers} headers, ${partsSeen} parts; ours ${exp.headers} headers, ${exp.parts} parts`);
    }
  });
  return out;
}

function countKey(o: unknown, key: string): number {
  if (Array.isArray(o)) return o.reduce((a: number, x) => a + countKey(x, key), 0);
  if (!o || typeof o !== 'object') return 0;
  let n = 0;
  for (const [k, v] of Object.entries(o)) {
    if (k === key) n += Array.isArray(v) ? v.length : 1;
    n += countKey(v, key);
  }
  return n;
}
