import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DecodeError, MmsgwError, ConfigError } from '../../src/util/errors.js';
import { ok, err, unwrap } from '../../src/util/result.js';

test('DecodeError names the field and the offset', () => {
  const e = new DecodeError('CODEC_TRUNCATED', 'X-Mms-Message-Size', 17, 'long-integer needs 3 more bytes');
  assert.ok(e instanceof MmsgwError);
  assert.equal(e.field, 'X-Mms-Message-Size');
  assert.equal(e.offset, 17);
  assert.match(e.message, /X-Mms-Message-Size at offset 17/);
  assert.deepEqual(e.toJSON().offset, 17);
});

test('ConfigError names the key', () => {
  const e = new ConfigError('modem.port', 'must be a path');
  assert.equal(e.code, 'CONFIG_INVALID');
  assert.equal(e.message, 'modem.port: must be a path');
});

test('unwrap returns the value or throws the error', () => {
  assert.equal(unwrap(ok(3)), 3);
  assert.throws(() => unwrap(err(new Error('boom'))), /boom/);
});
