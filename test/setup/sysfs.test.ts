import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanModems } from '../../src/setup/sysfs.js';
import { KNOWN_USB_IDS } from '../../src/setup/usb-ids.js';
import { FAMILIES, makeSysfs, type FakeDevice } from './fake-sysfs.js';

async function scanOne(d: FakeDevice): Promise<Awaited<ReturnType<typeof scanModems>>> {
  const root = mkdtempSync(join(tmpdir(), 'mmsgw-sysfs-'));
  try {
    makeSysfs(root, [d]);
    return await scanModems(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const cases: [string, FakeDevice, Record<string, unknown>, RegExp?][] = [
  ['Huawei stick (12d1:1506): PCUI if02 first', FAMILIES.huaweiStick!, { family: 'huawei', mode: 'modem', ttys: ['ttyUSB2', 'ttyUSB0', 'ttyUSB1'] }],
  ['Huawei in storage mode (12d1:1f01)', FAMILIES.huaweiStorage!, { family: 'huawei', mode: 'storage', ttys: [] }, /HuaweiAltModeGlobal=1.*usb_modeswitch -v 12d1 -p 1f01 -X/],
  ['Huawei HiLink (12d1:14dc): no AT port', FAMILIES.huaweiHilink!, { family: 'huawei', mode: 'network-only', nets: ['eth1'] }, /no AT port/],
  ['ZTE modem (19d2:0031)', FAMILIES.zteModem!, { family: 'zte', mode: 'modem', ttys: ['ttyUSB2', 'ttyUSB0', 'ttyUSB1'] }],
  ['ZTE MF823 in ECM mode (19d2:1405)', FAMILIES.mf823!, { family: 'zte', mode: 'network-only', nets: ['usb0'] }, /AT\+ZCDRUN=E/],
  ['Quectel EC25 (2c7c:0125): if02 first, wwan0', FAMILIES.quectelEc25!, { family: 'quectel', mode: 'modem', ttys: ['ttyUSB2', 'ttyUSB0', 'ttyUSB1', 'ttyUSB3'], nets: ['wwan0'] }],
  ['Quectel EM06 (2c7c:0306)', FAMILIES.quectelEm06!, { family: 'quectel', mode: 'modem', ttys: ['ttyUSB2', 'ttyUSB0', 'ttyUSB1', 'ttyUSB3'] }],
  ['SIMCom SIM7600 (1e0e:9001)', FAMILIES.simcom!, { family: 'simcom', mode: 'modem', nets: ['wwan0'] }],
  ['Sierra MC7455 (1199:9071): AT on if03', FAMILIES.sierra!, { family: 'sierra', mode: 'modem', ttys: ['ttyUSB2', 'ttyUSB0', 'ttyUSB1'] }],
  ['Sierra MC7455 MBIM-only: no tty', FAMILIES.sierraMbimOnly!, { family: 'sierra', mode: 'network-only', ttys: [] }, /--dms-swi-set-usb-composition=8.*AT!USBCOMP=1,1,100D/],
  ['an unknown CDC-ACM modem', FAMILIES.genericAcm!, { mode: 'modem', ttys: ['ttyACM0'] }],
];

for (const [title, device, expected, advice] of cases) {
  test(`sysfs scan: ${title}`, async () => {
    const found = await scanOne(device);
    assert.equal(found.length, 1);
    const m = found[0]!;
    for (const [k, v] of Object.entries(expected)) assert.deepEqual((m as unknown as Record<string, unknown>)[k], v, `${k} of ${title}`);
    if (advice) assert.match(m.advice ?? '', advice);
    else if (m.mode === 'modem') assert.equal(m.advice, undefined);
  });
}

test('the udev rule covers every USB id the firmware notes and the setup table name', () => {
  const rules = readFileSync(new URL('../../systemd/udev/70-mmsgw-modem.rules', import.meta.url), 'utf8');
  const notes = ['huawei', 'zte', 'quectel', 'simcom', 'sierra'].map((n) => readFileSync(new URL(`../../firmware-notes/${n}.md`, import.meta.url), 'utf8')).join('\n');
  const idsInNotes = [...notes.matchAll(/`([0-9a-f]{4}):([0-9a-f]{4})`/g)].map((m) => `${m[1]}:${m[2]}`);
  const ids = new Set([...idsInNotes, ...KNOWN_USB_IDS.map((k) => `${k.vendorId}:${k.productId}`)]);
  const covered = (vid: string, pid: string): boolean =>
    rules.split('\n').some((l) => !l.startsWith('#') && new RegExp(`idVendor\\}=="[^"]*\\b${vid}\\b`).test(l) && (new RegExp(`idProduct\\}=="[^"]*\\b${pid}\\b`).test(l) || !/idProduct/.test(l)) && /ID_MM_DEVICE_IGNORE/.test(l));
  const missing = [...ids].filter((id) => !covered(...(id.split(':') as [string, string])));
  assert.deepEqual(missing, []);
  // Every AT interface of the table gets the stable name.
  for (const k of KNOWN_USB_IDS.filter((x) => x.mode === 'modem' && x.atInterface !== undefined)) {
    const named = rules.split('\n').some((l) => l.includes(`ATTRS{idVendor}=="${k.vendorId}"`) && new RegExp(`idProduct\\}=="[^"]*\\b${k.productId}\\b`).test(l) && l.includes(`ID_USB_INTERFACE_NUM}=="0${k.atInterface}"`) && l.includes('mmsgw-modem'));
    assert.ok(named, `no SYMLINK line for ${k.vendorId}:${k.productId} if0${k.atInterface}`);
  }
});
