import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AtError } from '../../src/at/errors.js';
import { CommandQueue, MAX_OVERTAKEN } from '../../src/at/queue.js';
import { until } from './helpers/setup.js';

/** A job that records when it starts and ends when the test says so. */
interface Gate {
  readonly result: Promise<string>;
  release(): void;
  fail(e: Error): void;
}

function harness(open = (): boolean => true): { queue: CommandQueue; started: string[]; running: () => number; offer(name: string, options?: { receive?: boolean; signal?: AbortSignal }): Gate } {
  const queue = new CommandQueue(open);
  const started: string[] = [];
  let active = 0;
  let peak = 0;
  return {
    queue,
    started,
    running: () => peak,
    offer(name, options = {}) {
      let release!: () => void;
      let fail!: (e: Error) => void;
      const result = queue.enqueue(
        () =>
          new Promise<string>((resolve, reject) => {
            started.push(name);
            active++;
            peak = Math.max(peak, active);
            release = () => {
              active--;
              resolve(name);
            };
            fail = (e) => {
              active--;
              reject(e);
            };
          }),
        options.signal,
        options.receive === true,
      );
      return {
        result,
        release: () => release(),
        fail: (e) => fail(e),
      };
    },
  };
}

function code(e: unknown): string | undefined {
  return e instanceof AtError ? e.code : undefined;
}

/** Lets every job through in turn, each as soon as it has started, and returns the start order. */
async function drain(h: ReturnType<typeof harness>, gates: Map<string, Gate>): Promise<string[]> {
  for (let n = 1; n <= gates.size; n++) {
    await until(() => h.started.length >= n, 2000);
    const name = h.started[n - 1] as string;
    const gate = gates.get(name);
    assert.ok(gate, `${name} started, but it was not to run`);
    gate.release();
  }
  await Promise.all([...gates.values()].map((g) => g.result.catch(() => undefined)));
  return h.started;
}

test('jobs run one at a time, in the order they were offered', async () => {
  const h = harness();
  const gates = new Map(['a', 'b', 'c'].map((n) => [n, h.offer(n)] as const));
  await until(() => h.started.length === 1);
  assert.deepEqual(h.started, ['a'], 'b waits while a runs');
  assert.deepEqual(await drain(h, gates), ['a', 'b', 'c']);
  assert.equal(h.running(), 1, 'never two jobs at once');
  assert.deepEqual(await Promise.all([...gates.values()].map((g) => g.result)), ['a', 'b', 'c']);
});

test('a receive job waits behind the last waiting receive job, ahead of the others, never ahead of the running one', async () => {
  const h = harness();
  const gates = new Map<string, Gate>();
  gates.set('running', h.offer('running'));
  await until(() => h.started.length === 1);
  gates.set('send1', h.offer('send1'));
  gates.set('send2', h.offer('send2'));
  gates.set('read1', h.offer('read1', { receive: true }));
  gates.set('send3', h.offer('send3'));
  gates.set('read2', h.offer('read2', { receive: true }));
  assert.deepEqual(h.started, ['running']);
  assert.deepEqual(await drain(h, gates), ['running', 'read1', 'read2', 'send1', 'send2', 'send3']);
});

test('a receive job offered while only receive jobs wait goes last among them', async () => {
  const h = harness();
  const gates = new Map<string, Gate>();
  gates.set('running', h.offer('running', { receive: true }));
  await until(() => h.started.length === 1);
  gates.set('read1', h.offer('read1', { receive: true }));
  gates.set('read2', h.offer('read2', { receive: true }));
  assert.deepEqual(await drain(h, gates), ['running', 'read1', 'read2']);
});

test(`a waiting job is overtaken by at most ${MAX_OVERTAKEN} receive jobs: a steady stream of reads cannot starve a send`, async () => {
  const h = harness();
  const gates = new Map<string, Gate>();
  gates.set('running', h.offer('running', { receive: true }));
  await until(() => h.started.length === 1);
  gates.set('send1', h.offer('send1'));
  const reads = Array.from({ length: MAX_OVERTAKEN + 3 }, (_, i) => `read${i + 1}`);
  for (const r of reads.slice(0, MAX_OVERTAKEN + 1)) gates.set(r, h.offer(r, { receive: true }));
  // A send offered after send1 was overtaken to the bound: reads still go ahead of it, in turn.
  gates.set('send2', h.offer('send2'));
  for (const r of reads.slice(MAX_OVERTAKEN + 1)) gates.set(r, h.offer(r, { receive: true }));
  const order = await drain(h, gates);
  assert.deepEqual(order, ['running', ...reads.slice(0, MAX_OVERTAKEN), 'send1', ...reads.slice(MAX_OVERTAKEN), 'send2']);
});

test("the follow-up a finished receive job's caller queues goes before the waiting send (a sweep's steps are not split by sends)", async () => {
  const h = harness();
  const gates = new Map<string, Gate>();
  const select = h.offer('select', { receive: true });
  gates.set('select', select);
  await until(() => h.started.length === 1);
  gates.set('send1', h.offer('send1'));
  // The sweep's next step is queued when the step before it has returned, through a few awaits.
  const follow = (async () => {
    await select.result;
    await Promise.resolve();
    await Promise.resolve();
    const list = h.offer('list', { receive: true });
    gates.set('list', list);
    return list.result;
  })();
  select.release();
  await until(() => h.started.length >= 2);
  assert.deepEqual(h.started, ['select', 'list'], "send1 waits for the sweep's next step");
  gates.get('list')?.release();
  await follow;
  await until(() => h.started.length === 3);
  gates.get('send1')?.release();
  assert.deepEqual(h.started, ['select', 'list', 'send1']);
});

test('aborting a waiting job takes it out: it rejects with AT_ABORTED and never starts', async () => {
  const h = harness();
  const gates = new Map<string, Gate>();
  gates.set('a', h.offer('a'));
  await until(() => h.started.length === 1);
  const ac = new AbortController();
  const b = h.offer('b', { signal: ac.signal });
  gates.set('c', h.offer('c'));
  ac.abort();
  await assert.rejects(b.result, (e: unknown) => code(e) === 'AT_ABORTED' && /while queued/.test((e as Error).message));
  assert.deepEqual(await drain(h, gates), ['a', 'c']);
});

test('an already aborted signal is refused before the job is queued', async () => {
  const h = harness();
  const ac = new AbortController();
  ac.abort();
  const a = h.offer('a', { signal: ac.signal });
  await assert.rejects(a.result, (e: unknown) => code(e) === 'AT_ABORTED' && /before it was queued/.test((e as Error).message));
  const b = h.offer('b');
  await until(() => h.started.length === 1);
  b.release();
  assert.equal(await b.result, 'b');
  assert.deepEqual(h.started, ['b']);
});

test('aborting a job that has started is left to the job: the queue neither rejects it nor starts the next', async () => {
  const h = harness();
  const ac = new AbortController();
  const a = h.offer('a', { signal: ac.signal });
  const b = h.offer('b');
  await until(() => h.started.length === 1);
  ac.abort();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(h.started, ['a'], 'b still waits for a');
  a.release();
  assert.equal(await a.result, 'a');
  await until(() => h.started.length === 2);
  b.release();
  assert.equal(await b.result, 'b');
});

test('a job that fails passes its error on and the next one starts', async () => {
  const h = harness();
  const a = h.offer('a');
  const b = h.offer('b');
  await until(() => h.started.length === 1);
  a.fail(new AtError('AT_TIMEOUT', 'no final result'));
  await assert.rejects(a.result, (e: unknown) => code(e) === 'AT_TIMEOUT');
  await until(() => h.started.length === 2);
  b.release();
  assert.equal(await b.result, 'b');
});

test('a closed port: new jobs are refused, failAll rejects every waiting one with its own error, the running one ends on its own', async () => {
  let open = true;
  const h = harness(() => open);
  const a = h.offer('a');
  const b = h.offer('b');
  const c = h.offer('c', { receive: true });
  await until(() => h.started.length === 1);
  open = false;
  const d = h.offer('d');
  await assert.rejects(d.result, (e: unknown) => code(e) === 'AT_PORT_CLOSED');
  const errors: AtError[] = [];
  h.queue.failAll(() => {
    const e = new AtError('AT_PORT_CLOSED', 'the AT port closed');
    errors.push(e);
    return e;
  });
  const rejected = await Promise.all([b.result, c.result].map((p) => p.then(() => undefined, (e: unknown) => e)));
  assert.equal(errors.length, 2);
  assert.ok(rejected[0] === errors[0] || rejected[0] === errors[1]);
  assert.notEqual(rejected[0], rejected[1], 'each waiting job gets an error of its own');
  assert.ok(rejected.every((e) => code(e) === 'AT_PORT_CLOSED'));
  a.release();
  assert.equal(await a.result, 'a');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(h.started, ['a'], 'nothing starts after the close');
});
