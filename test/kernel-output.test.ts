/**
 * Printing a lot in one go - a long training log, a log replayed from the results cache, a big
 * table - must not kill the kernel, and a request during start-up must not silence it. Stock
 * tslab publishes output on a zeromq.js 6 Publisher, which throws "Socket is busy writing" on the
 * 513th send in one turn of the event loop, and drops messages once 1,000 wait for a slow
 * subscriber; and every zeromq.js socket throws on a send or receive while it is binding.
 * scripts/tslab-kernel.js starts tslab with sockets (scripts/kernel/harden-sockets.js) that avoid all three.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { kernelName, kernelSpec } from '../scripts/register-kernel';
import { projectRoot, tslabKernelLauncher } from '../scripts/jupyter/paths';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'descent-lab-output-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

type Zmq = typeof import('zeromq');

/** A copy of the zeromq module with the sockets the kernel launcher gives tslab. */
function hardenedZmq(): Zmq {
  const zmq = { ...(require('zeromq') as Zmq) } as Zmq;
  (require(path.join(path.dirname(tslabKernelLauncher), 'kernel', 'harden-sockets.js')) as { hardenKernelSockets(zmq: Zmq): void }).hardenKernelSockets(zmq);
  return zmq;
}

/** How many messages a Publisher sends in one synchronous burst before it throws (or all of them). */
async function burst(zmq: Zmq, messages: number): Promise<number> {
  const publisher = new zmq.Publisher();
  await publisher.bind('tcp://127.0.0.1:*');
  let sent = 0;
  try {
    // Like tslab, send without awaiting; a deferred send that fails after close is of no interest.
    for (; sent < messages; sent++) publisher.send(`line ${sent}`).catch(() => {});
  } catch (error) {
    assert.match((error as Error).message, /Socket is busy writing/);
  }
  publisher.close();
  return sent;
}

test('a stock zeromq.js Publisher throws within a burst; the kernel launcher\'s does not', async () => {
  const stock = { ...(require('zeromq') as Zmq) } as Zmq;
  assert.equal(await burst(stock, 3000), 513, 'the 514th send throws: the hazard the launcher exists for');
  const fixed = hardenedZmq();
  assert.equal(await burst(fixed, 3000), 3000);
  assert.equal(kernelSpec().argv[1], tslabKernelLauncher, 'the registered kernel starts through the launcher');
});

test('a send or receive during a bind throws on a stock socket; the launcher\'s sockets wait for the bind', async () => {
  const stock = require('zeromq') as Zmq;
  const router = new stock.Router();
  const routerBound = router.bind('tcp://127.0.0.1:*');
  // What CI saw when Jupyter's first request reached tslab's shell socket before its bind finished.
  assert.throws(() => router.receive(), /Socket is blocked by a bind or unbind operation/);
  assert.throws(() => router.send(['peer', 'kernel_info_reply']), /Socket is blocked by a bind or unbind operation/);
  await routerBound;
  router.close();

  const fixed = hardenedZmq();
  const reply = new fixed.Reply();
  const replyBound = reply.bind('tcp://127.0.0.1:*');
  const request = reply.receive(); // issued during the bind, as tslab's receive loop does
  await replyBound;
  const client = new stock.Request();
  client.connect(reply.lastEndpoint!);
  await client.send('kernel_info_request');
  assert.equal(String(await request), 'kernel_info_request');
  await reply.send('kernel_info_reply');
  assert.equal(String(await client.receive()), 'kernel_info_reply');
  client.close();
  reply.close();

  const publisher = new fixed.Publisher();
  const publisherBound = publisher.bind('tcp://127.0.0.1:*');
  const order: number[] = [];
  const sends = [0, 1, 2].map((i) => publisher.send(`status ${i}`).then(() => order.push(i)));
  await Promise.all([publisherBound, ...sends]);
  assert.deepEqual(order, [0, 1, 2], 'sends held back by the bind go out in the order they were made');
  publisher.close();
});

/**
 * How many of `messages` sends a subscriber gets when it starts reading only after they are all sent.
 * No step waits a fixed time (the machine may be loaded): the subscription is known to be active
 * once a probe arrives, and the count ends at an end marker, sent again and again until it arrives
 * (a publisher drops it too while its queue is full), which comes after every payload that got through.
 */
async function deliveredToLaggingSubscriber(zmq: Zmq, publisher: import('zeromq').Publisher, messages: number): Promise<number> {
  await publisher.bind('tcp://127.0.0.1:*');
  const subscriber = new zmq.Subscriber();
  subscriber.connect(publisher.lastEndpoint!);
  subscriber.subscribe();
  const repeat = (text: string) => {
    const send = () => publisher.send(text).catch(() => {});
    send();
    return setInterval(send, 50);
  };
  const probing = repeat('probe');
  await subscriber.receive(); // a probe: from now on the publisher sends to this subscriber
  clearInterval(probing);
  const payload = 'x'.repeat(4000); // a long log line; 20 MB in all, more than TCP buffers hold
  for (let i = 0; i < messages; i++) publisher.send(payload).catch(() => {});
  const ending = repeat('end');
  let received = 0;
  try {
    for await (const [frame] of subscriber) {
      const text = frame.toString('latin1', 0, 5);
      if (text === 'end') break;
      if (text !== 'probe') received++;
    }
  } finally {
    clearInterval(ending);
    subscriber.close();
    publisher.close();
  }
  return received;
}

test('a synchronous Publisher with the default high-water mark drops what a slow subscriber has not read; the launcher\'s delivers all', async () => {
  const stock = require('zeromq') as Zmq;
  const dropped = 5000 - await deliveredToLaggingSubscriber(stock, new stock.Publisher({ sendTimeout: 0 }), 5000);
  assert.ok(dropped > 0, 'past 1,000 queued messages the publisher drops: the hazard the launcher exists for');
  const fixed = hardenedZmq();
  assert.equal(await deliveredToLaggingSubscriber(fixed, new fixed.Publisher(), 5000), 5000);
});

test('the kernel prints thousands of lines from one cell', () => {
  const notebooks = path.join(dir, 'notebooks');
  fs.mkdirSync(notebooks);
  const cells = [
    "for (let i = 0; i < 3000; i++) console.log(`line ${i}`);",
    "for (let i = 0; i < 1000; i++) process.stdout.write(`chunk ${i}\\n`);\nconsole.log('still alive');",
  ];
  const notebook = {
    cells: cells.map((source, index) => ({ cell_type: 'code', execution_count: null, id: `c${index}`, metadata: {}, outputs: [], source })),
    metadata: { kernelspec: { name: kernelName, display_name: 'TypeScript (Descent Lab tslab)', language: 'typescript' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  fs.writeFileSync(path.join(notebooks, '01-chatty.ipynb'), JSON.stringify(notebook));
  const out = path.join(dir, 'out');
  const run = spawnSync(process.execPath, [
    path.join(projectRoot, 'build', 'scripts', 'run-notebooks.js'), '--quick', '--notebooks', notebooks, '--out', out,
  ], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(run.status, 0, `stderr:\n${run.stderr.slice(-2000)}`);
  const executed = JSON.parse(fs.readFileSync(path.join(out, '01-chatty.ipynb'), 'utf8')) as { cells: { outputs: { text?: string[] | string }[] }[] };
  const text = (cell: number) => executed.cells[cell].outputs.map((o) => [o.text ?? ''].flat().join('')).join('');
  assert.equal(text(0).split('\n').filter((line) => line.startsWith('line ')).length, 3000);
  assert.match(text(1), /chunk 999\nstill alive/);
});
