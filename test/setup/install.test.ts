import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { installPlan, performInstall, type Exec } from '../../src/setup/install.js';

test('setup --install runs the system steps in order, tolerates an existing user, and stops at the first failure', () => {
  const plan = installPlan({ configPath: '/etc/mmsgw/mmsgw.yaml', secretsPath: '/etc/mmsgw/secrets.env', bearerKind: 'ppp' });
  // Every file the plan installs is in the repository.
  for (const s of plan.filter((x) => x.argv[0] === 'install')) {
    const src = s.argv[s.argv.length - 2] as string;
    assert.ok(existsSync(new URL(`../../${src.replace('/opt/mmsgw/', '')}`, import.meta.url)), src);
  }
  assert.ok(plan.some((s) => s.argv.includes('/etc/systemd/system/mmsgw.service.d/mmsgw-privileged.conf')), 'ppp gets the privileged drop-in');
  assert.ok(installPlan({ configPath: 'c', secretsPath: 's', bearerKind: 'interface' }).some((s) => s.argv.some((a) => a.endsWith('mmsgw-bearer-interface.conf'))));

  const ran: string[] = [];
  const exec = (failOn?: string): Exec => (argv) => {
    ran.push(argv[0] as string);
    if (argv[0] === 'useradd') return { status: 9, stderr: "useradd: user 'mmsgw' already exists" };
    if (argv[0] === failOn) return { status: 1, stderr: 'no such file' };
    return { status: 0, stderr: '' };
  };
  const lines: string[] = [];
  assert.equal(performInstall(plan, exec(), (l) => void lines.push(l)), true);
  assert.deepEqual(ran, plan.map((s) => s.argv[0]));
  assert.equal(ran.at(-1), 'systemctl');
  ran.length = 0;
  assert.equal(performInstall(plan, exec('udevadm'), (l) => void lines.push(l)), false);
  assert.deepEqual(ran, ['useradd', 'install', 'udevadm']);
  assert.match(lines.at(-1) ?? '', /^FAILED: udevadm control --reload — no such file/);
});
