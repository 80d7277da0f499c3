/**
 * Packet captures written byte by byte, for dissecting the gateway's PDUs with tshark
 * (Wireshark's WSP and MMSE dissectors, an oracle nobody on this project wrote).
 * libpcap file format: a 24-octet global header (magic a1b2c3d4, version 2.4, LINKTYPE_ETHERNET)
 * and per packet a 16-octet record header; Ethernet II / IPv4 (RFC 791, header checksum
 * computed) / UDP (RFC 768, checksum 0 = none) or TCP (RFC 793, one segment per message).
 */
import { spawnSync } from 'node:child_process';

function u16(n: number): number[] {
  return [(n >> 8) & 0xff, n & 0xff];
}
function u32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}
function le32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

/** RFC 1071 Internet checksum. */
function checksum(b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < b.length; i += 2) s += ((b[i] as number) << 8) | (b[i + 1] ?? 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

function ipv4(protocol: number, payload: readonly number[], id: number): number[] {
  const h = [0x45, 0, ...u16(20 + payload.length), ...u16(id), 0x40, 0, 64, protocol, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2];
  const c = checksum(h);
  h[10] = c >> 8;
  h[11] = c & 0xff;
  return [...h, ...payload];
}

function ethernet(payload: readonly number[]): number[] {
  return [0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00, ...payload];
}

/** A connectionless WSP datagram (WAP-259-WDP over UDP): from port 9200 to `port` (2948: WAP Push). */
export function udpPacket(data: Uint8Array, port = 2948, id = 1): number[] {
  const udp = [...u16(9200), ...u16(port), ...u16(8 + data.length), 0, 0, ...data];
  return ethernet(ipv4(17, udp, id));
}

/** An HTTP/1.1 POST in one TCP segment (PSH|ACK) to port 80, as an MMS client posts to the MMSC (OMA-TS-MMS_CTR §7.1). */
export function httpPostPacket(body: Uint8Array, contentType = 'application/vnd.wap.mms-message', id = 1): number[] {
  const head = `POST /mms HTTP/1.1\r\nHost: mmsc.example\r\nContent-Type: ${contentType}\r\nContent-Length: ${body.length}\r\n\r\n`;
  const payload = [...Buffer.from(head, 'latin1'), ...body];
  const tcp = [...u16(40000 + id), ...u16(80), ...u32(1000), ...u32(1), 0x50, 0x18, ...u16(65535), 0, 0, 0, 0, ...payload];
  return ethernet(ipv4(6, tcp, id));
}

export function pcap(packets: readonly (readonly number[])[]): Uint8Array {
  const out: number[] = [...le32(0xa1b2c3d4), 2, 0, 4, 0, ...le32(0), ...le32(0), ...le32(262144), ...le32(1)];
  packets.forEach((p, i) => out.push(...le32(1_700_000_000 + i), ...le32(0), ...le32(p.length), ...le32(p.length), ...p));
  return Uint8Array.from(out);
}

/** tshark on PATH, or undefined. */
export function tsharkVersion(): string | undefined {
  const r = spawnSync('tshark', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n')[0] : undefined;
}

export const TSHARK_ABSENT = 'skipped: tshark is not installed (Debian package "tshark"); CI installs it';

/** A node of tshark's `-T json` tree: field name → value, or a subtree, or a list of either. */
export type TsharkTree = { [k: string]: string | TsharkTree | Array<string | TsharkTree> };

/** `tshark -r file -V -T json -x --no-duplicate-keys`: the layers of each packet (repeated fields as lists, raw octets as `<field>_raw`). */
export function dissect(file: string): TsharkTree[] {
  const r = spawnSync('tshark', ['-r', file, '-V', '-T', 'json', '-x', '--no-duplicate-keys'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`tshark failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as Array<{ _source: { layers: TsharkTree } }>).map((p) => p._source.layers);
}

/** Every value of `field` anywhere in the tree, in document order. */
export function fieldValues(tree: TsharkTree | string | Array<string | TsharkTree>, field: string, out: string[] = []): string[] {
  if (typeof tree === 'string') return out;
  if (Array.isArray(tree)) {
    for (const x of tree) fieldValues(x, field, out);
    return out;
  }
  for (const [k, v] of Object.entries(tree)) {
    if (k === field) {
      if (typeof v === 'string') out.push(v);
      else if (Array.isArray(v)) for (const x of v) if (typeof x === 'string') out.push(x);
    }
    if (typeof v !== 'string') fieldValues(v, field, out);
  }
  return out;
}

/** Expert-info and malformed-packet entries anywhere in the tree (keys `_ws.expert*`, `_ws.malformed*`). */
export function expertEntries(tree: TsharkTree | string | Array<string | TsharkTree>, out: string[] = []): string[] {
  if (typeof tree === 'string') return out;
  if (Array.isArray(tree)) {
    for (const x of tree) expertEntries(x, out);
    return out;
  }
  for (const [k, v] of Object.entries(tree)) {
    if (k.startsWith('_ws.expert') || k.startsWith('_ws.malformed')) out.push(`${k}: ${JSON.stringify(v).slice(0, 300)}`);
    else if (typeof v !== 'string') expertEntries(v, out);
  }
  return out;
}
