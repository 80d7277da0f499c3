import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { AtChannel } from '../../src/at/channel.js';
import { AtError } from '../../src/at/errors.js';
import { openTransport } from '../../src/at/transport.js';

test('tcp://host:port (ser2net) carries the same AT dialogue', async () => {
  const server = net.createServer((s) => {
    s.on('data', (d) => {
      if (d.toString('latin1') === 'AT+CGMM\r') s.write('\r\nEG25\r\n\r\nOK\r\n');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  const channel = new AtChannel({ defaultTimeoutMs: 1000 });
  try {
    channel.attach(await openTransport(`tcp://127.0.0.1:${port}`, {}));
    assert.deepEqual(await channel.run({ text: 'AT+CGMM', parse: (r) => [...r.lines] }), ['EG25']);
  } finally {
    await channel.close();
    server.close();
  }
});

test('a missing device or refused ser2net port rejects with AT_PORT_CLOSED', async () => {
  await assert.rejects(openTransport('/dev/does-not-exist-mmsgw', {}), (e: unknown) => e instanceof AtError && e.code === 'AT_PORT_CLOSED');
  await assert.rejects(openTransport('tcp://127.0.0.1:1', {}), (e: unknown) => e instanceof AtError && e.code === 'AT_PORT_CLOSED');
  await assert.rejects(openTransport('tcp://nohost', {}), (e: unknown) => e instanceof AtError && e.code === 'AT_PORT_CLOSED');
});
