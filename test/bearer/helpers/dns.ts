import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';

/**
 * A tiny authoritative DNS server over UDP (RFC 1035 §4) answering A/AAAA queries from a map,
 * NXDOMAIN otherwise. Records every queried name so tests can prove which resolver was used.
 */
export async function startDns(records: Record<string, { A?: string[]; AAAA?: string[] }>, host = '127.0.0.1'): Promise<{ server: string; queries: string[]; close(): Promise<void> }> {
  const sock = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
  const queries: string[] = [];
  sock.on('message', (msg, rinfo) => {
    let off = 12;
    const labels: string[] = [];
    while (off < msg.length && msg[off] !== 0) {
      const len = msg[off] as number;
      labels.push(msg.subarray(off + 1, off + 1 + len).toString('ascii'));
      off += 1 + len;
    }
    off += 1;
    const qtype = msg.readUInt16BE(off);
    const question = msg.subarray(12, off + 4);
    const name = labels.join('.').toLowerCase();
    queries.push(name);
    const rec = records[name];
    const addrs = qtype === 1 ? rec?.A ?? [] : qtype === 28 ? rec?.AAAA ?? [] : [];
    const answers = addrs.map((a) => {
      const rdata = qtype === 1 ? Buffer.from(a.split('.').map(Number)) : ipv6Bytes(a);
      const rr = Buffer.alloc(12);
      rr.writeUInt16BE(0xc00c, 0);
      rr.writeUInt16BE(qtype, 2);
      rr.writeUInt16BE(1, 4);
      rr.writeUInt32BE(60, 6);
      rr.writeUInt16BE(rdata.length, 10);
      return Buffer.concat([rr, rdata]);
    });
    const header = Buffer.alloc(12);
    header.writeUInt16BE(msg.readUInt16BE(0), 0);
    header.writeUInt16BE(0x8400 | (rec ? 0 : 3), 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers.length, 6);
    sock.send(Buffer.concat([header, question, ...answers]), rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => sock.bind(0, host, () => r()));
  const port = (sock.address() as AddressInfo).port;
  return {
    server: host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`,
    queries,
    close: () => new Promise<void>((r) => sock.close(() => r())),
  };
}

function ipv6Bytes(a: string): Buffer {
  const [head = '', tail = ''] = a.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = a.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  const b = Buffer.alloc(16);
  groups.forEach((g, i) => b.writeUInt16BE(parseInt(g, 16), i * 2));
  return b;
}
