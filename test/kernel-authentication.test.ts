/**
 * On a shared machine (a JupyterHub) every kernel's ports are open to every local user; the key in
 * the connection file is all that keeps one user out of another's kernel. These tests attack the
 * real kernel (scripts/tslab-kernel.js) over raw ZeroMQ the way another local user could, and check
 * what scripts/kernel/authenticate-messages.js promises: nothing is handled without a valid, fresh
 * signature; the kernel stays up and answers its legitimate client through malformed frames and a
 * flood; its log never holds the key or a valid signature; it listens on 127.0.0.1 only.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { prepareJupyter } from '../scripts/jupyter/notebook-runner';
import { projectRoot } from '../scripts/jupyter/paths';
import { kernelName, kernelSpec } from '../scripts/register-kernel';
import { DELIMITER, RawKernelClient, startKernelProcess, writeConnectionFile, type ConnectionInfo } from './support/raw-kernel';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'descent-lab-auth-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The LISTEN entries of /proc/net/tcp and tcp6 for `port`, as [hex local address, file]. */
function listeners(port: number): [string, string][] {
  const found: [string, string][] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of fs.readFileSync(file, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state !== '0A' || !local) continue;
      const [address, hexPort] = local.split(':');
      if (parseInt(hexPort!, 16) === port) found.push([address!, file]);
    }
  }
  return found;
}

describe('the kernel authenticates every message (raw ZeroMQ against the real kernel)', () => {
  let kernel: ReturnType<typeof startKernelProcess>;
  let client: RawKernelClient;
  let info: ConnectionInfo;

  before(async () => {
    const written = await writeConnectionFile(dir);
    info = written.info;
    kernel = startKernelProcess(written.file);
    client = new RawKernelClient(info);
    await client.ready();
  });
  after(async () => {
    client?.close();
    kernel?.child.kill();
    await kernel?.exited;
  });

  /** Sends `bad`, then a valid request; once that one is answered, `bad` must have had no effect. */
  async function assertRefused(bad: Buffer[], badMsgId: string, logged: RegExp, socket = client.shell): Promise<void> {
    await client.send(bad, socket);
    const good = client.request('kernel_info_request');
    await client.send(good.frames, socket);
    // Requests on one socket are handled in order, and a status goes out before the reply it
    // precedes: had the kernel handled `bad`, its messages would have come before these.
    assert.equal((await client.replyTo(good.msgId)).header.msg_type, 'kernel_info_reply');
    assert.deepEqual(client.messagesFor(badMsgId), [], 'the refused message got no reply and no status');
    assert.match(kernel.output(), logged);
  }

  it('answers a signed request, also one with buffer frames (they are not signed, as in jupyter_client)', async () => {
    const plain = client.request('execute_request', { code: '6 * 7', silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true });
    await client.send(plain.frames);
    assert.equal((await client.replyTo(plain.msgId)).content.status, 'ok');
    const withBuffer = client.request('kernel_info_request');
    await client.send([...withBuffer.frames, Buffer.from('a buffer')]);
    assert.equal((await client.replyTo(withBuffer.msgId)).header.msg_type, 'kernel_info_reply');
  });

  it('refuses an unsigned message, a wrong signature of the right length, and a signature of other content', async () => {
    const unsigned = client.request('execute_request', { code: 'process.exit(3)' });
    unsigned.frames[1] = Buffer.alloc(0);
    await assertRefused(unsigned.frames, unsigned.msgId, /refused a message: unsigned \(shell\)/);

    const forged = client.request('execute_request', { code: 'process.exit(3)' });
    const flipped = forged.signature.slice(0, -1) + (forged.signature.endsWith('0') ? '1' : '0');
    forged.frames[1] = Buffer.from(flipped); // right length, last character wrong
    await assertRefused(forged.frames, forged.msgId, /refused a message: wrong signature \(shell\)/);

    const other = client.request('kernel_info_request');
    const swapped = client.request('execute_request', { code: 'process.exit(3)' });
    swapped.frames[1] = Buffer.from(other.signature); // valid, but for other parts
    await assertRefused(swapped.frames, swapped.msgId, /wrong signature/);

    const wrongKey = client.request('execute_request', { code: 'process.exit(3)' });
    const hmac = crypto.createHmac('sha256', 'not-the-key');
    for (const part of wrongKey.frames.slice(2)) hmac.update(part);
    wrongKey.frames[1] = Buffer.from(hmac.digest('hex'));
    await assertRefused(wrongKey.frames, wrongKey.msgId, /wrong signature/, client.control);
    assert.match(kernel.output(), /wrong signature \(control\)/);
  });

  it('gives another local user, who can read IOPub (ZeroMQ PUB has no access control) but has no key, no signature to use', async () => {
    const attacker = new RawKernelClient({ ...info, key: 'a-guess' });
    try {
      // Until the attacker's subscription is active (ZeroMQ drops what a subscriber joins late for).
      for (let joined = false; !joined; ) {
        const ping = client.request('kernel_info_request');
        await client.send(ping.frames);
        await client.replyTo(ping.msgId);
        joined = await attacker.waitUntil(() => attacker.messagesFor(ping.msgId).length > 0, 2000);
      }
      const forged = attacker.request('execute_request', { code: '(globalThis as any).intruder = true', silent: false, stop_on_error: true });
      await attacker.send(forged.frames);
      const after = client.request('kernel_info_request');
      await client.send(after.frames);
      await client.replyTo(after.msgId);
      const idle = () => attacker.messagesFor(after.msgId).some((m) => m.content.execution_state === 'idle');
      assert.ok(await attacker.waitUntil(idle), 'the attacker saw the kernel go idle after its forgery');
      // Whatever looks like a signature in what the attacker read, it tries.
      const candidates = new Set(attacker.receivedText.join('\n').match(/[0-9a-f]{64}/g) ?? []);
      const published = candidates.has(client.sign(forged.frames.slice(2)));
      for (const candidate of candidates) await attacker.send([forged.frames[0]!, Buffer.from(candidate), ...forged.frames.slice(2)]);
      // A valid request behind them on the attacker's own connection: once it is answered, they were handled.
      const flush = client.request('kernel_info_request');
      await attacker.send(flush.frames);
      await attacker.replyTo(flush.msgId);
      const check = client.request('execute_request', { code: 'console.log(typeof (globalThis as any).intruder)', silent: false, stop_on_error: true });
      await client.send(check.frames);
      await client.replyTo(check.msgId);
      const printed = client.messagesFor(check.msgId).filter((m) => m.header.msg_type === 'stream').map((m) => m.content.text).join('');
      assert.equal(printed.trim(), 'undefined', 'the forged cell never ran');
      assert.ok(!published, 'the valid signature of the forged message was not published');
    } finally {
      attacker.close();
    }
  });

  it('refuses a replayed message: the same valid frames are handled once', async () => {
    const once = client.request('execute_request', { code: '(globalThis as any).runs = ((globalThis as any).runs ?? 0) + 1', silent: false, stop_on_error: true });
    await client.send(once.frames);
    await client.replyTo(once.msgId);
    const before = client.messagesFor(once.msgId).length;
    await assertRefused(once.frames, 'no-such-id', /refused a message: a signature already seen \(replay\) \(shell\)/);
    assert.equal(client.messagesFor(once.msgId).length, before, 'nothing more for the replayed request');
    const count = client.request('execute_request', { code: 'console.log((globalThis as any).runs)', silent: false, stop_on_error: true });
    await client.send(count.frames);
    await client.replyTo(count.msgId);
    const printed = client.messagesFor(count.msgId).filter((m) => m.header.msg_type === 'stream').map((m) => m.content.text).join('');
    assert.equal(printed.trim(), '1', 'the cell ran once');
  });

  it('refuses malformed frames: no delimiter, too few frames, valid signature over parts that are not JSON objects', async () => {
    const noDelimiter = client.request('kernel_info_request');
    await assertRefused(noDelimiter.frames.slice(1), noDelimiter.msgId, /refused a message: no <IDS\|MSG> delimiter/);

    const short = client.request('kernel_info_request');
    await assertRefused(short.frames.slice(0, 4), short.msgId, /refused a message: fewer than the signature and four parts/);
    await assertRefused([Buffer.from(DELIMITER)], 'none', /fewer than the signature/);

    const notJson = client.request('execute_request', {}, { content: '{"code": "1", ' });
    await assertRefused(notJson.frames, notJson.msgId, /refused a message: a part that is not JSON \(shell\)/);

    const notObject = client.request('execute_request', {}, { content: 'null' });
    await assertRefused(notObject.frames, notObject.msgId, /refused a message: a part that is not a JSON object/);

    const noType = client.request('execute_request', {}, { header: JSON.stringify({ msg_id: 'x' }) });
    await assertRefused(noType.frames, 'x', /refused a message: a header without msg_type/);
  });

  it('refuses a 64 MB frame with a wrong signature and keeps answering', async () => {
    const huge = client.request('execute_request', {}, { content: JSON.stringify({ code: 'x'.repeat(64 * 1024 * 1024) }) });
    huge.frames[1] = Buffer.from('0'.repeat(64));
    await assertRefused(huge.frames, huge.msgId, /wrong signature/);
  });

  it('stays responsive through a flood of 10,000 bad messages, and logs a few lines about them', async (t) => {
    const linesBefore = kernel.output().split('\n').length;
    const messagesBefore = client.receivedText.length;
    const started = process.hrtime.bigint();
    for (let i = 0; i < 10_000; i++) {
      const bad = client.request('execute_request', { code: `process.exit(${i})` });
      bad.frames[1] = Buffer.from(crypto.randomBytes(32).toString('hex'));
      await client.send(i % 2 ? bad.frames : bad.frames.slice(1));
    }
    const good = client.request('execute_request', { code: '1 + 1', silent: false, stop_on_error: true });
    await client.send(good.frames);
    const reply = await client.replyTo(good.msgId);
    t.diagnostic(`10,000 bad messages sent, then a cell answered, in ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(2)} s`);
    assert.equal(reply.content.status, 'ok');
    const result = client.messagesFor(good.msgId).find((m) => m.header.msg_type === 'execute_result');
    assert.equal((result?.content.data as Record<string, string>)['text/plain'], '2');
    assert.ok(kernel.output().split('\n').length - linesBefore <= 3, `the log grew by a few lines at most:\n${kernel.output()}`);
    assert.ok(client.receivedText.length - messagesBefore <= 5, 'the bad messages caused no messages (the good one: busy, input, result, reply, idle)');
  });

  it('never writes the key or a valid signature to its log or to IOPub, nor a stack trace', () => {
    const output = kernel.output() + client.receivedText.join('\n');
    assert.ok(!output.includes(info.key), 'the key is not in the kernel\'s stdout or stderr');
    for (const signature of client.signatures) assert.ok(!output.includes(signature), `a valid signature is in the kernel's output:\n${output}`);
    assert.doesNotMatch(output, /Unhandled|Error:|\n\s+at /, 'refusals are one-line notes, not errors');
  });

  it('listens on 127.0.0.1 only', () => {
    for (const port of [info.shell_port, info.iopub_port, info.stdin_port, info.control_port, info.hb_port]) {
      assert.deepEqual(listeners(port), [['0100007F', '/proc/net/tcp']], `port ${port} listens on 127.0.0.1 and nowhere else`);
    }
  });
});

describe('the kernel refuses to start unprotected', () => {
  async function startAndFail(overrides: Partial<ConnectionInfo>, env: NodeJS.ProcessEnv = process.env): Promise<string> {
    const { file, info } = await writeConnectionFile(dir, overrides);
    const kernel = startKernelProcess(file, env);
    // A kernel that does start is stopped once its first socket listens, and the test fails.
    const listening = setInterval(() => {
      if (listeners(info.shell_port).length > 0) kernel.child.kill();
    }, 200);
    const code = await kernel.exited;
    clearInterval(listening);
    assert.equal(code, 1, `the kernel exits with code 1 at once:\n${kernel.output()}`);
    return kernel.output();
  }

  it('a connection file asking for 0.0.0.0 (reachable from other machines), without a key, or with an unknown signature scheme', async () => {
    // Three kernels at once: each spends its start-up (seconds) loading TypeScript before it reads the file.
    const [anyAddress, noKey, unknownScheme] = await Promise.all([
      startAndFail({ ip: '0.0.0.0' }),
      startAndFail({ key: '' }),
      startAndFail({ signature_scheme: 'hmac-nonsense' }),
    ]);
    assert.match(anyAddress, /will not start: the connection file asks to listen on 0\.0\.0\.0.*use 127\.0\.0\.1.*DESCENT_LAB_KERNEL_ALLOW_REMOTE=1/);
    assert.match(noKey, /will not start: the connection file has no key/);
    assert.match(unknownScheme, /will not start: unknown signature_scheme 'hmac-nonsense'/);
  });
});

describe('the connection files Jupyter writes for the kernel (jupyter_client)', () => {
  it('are mode 0600 in a 0700 folder, and the ipc transport (Unix sockets in that folder) works', () => {
    const python = prepareJupyter();
    // This checkout's kernel spec, first on Jupyter's path (the user-wide one may point elsewhere).
    const data = path.join(dir, 'jupyter-data');
    fs.mkdirSync(path.join(data, 'kernels', kernelName), { recursive: true });
    fs.writeFileSync(path.join(data, 'kernels', kernelName, 'kernel.json'), JSON.stringify(kernelSpec()));
    const session = spawnSync(python, [path.join(projectRoot, 'test', 'support', 'kernel_files.py'), kernelName, dir], {
      encoding: 'utf8',
      env: { ...process.env, JUPYTER_PATH: data, JUPYTER_RUNTIME_DIR: path.join(dir, 'runtime') },
      timeout: 300_000,
    });
    assert.equal(session.status, 0, `kernel_files.py failed:\n${session.stderr.slice(-3000)}`);
    const record = JSON.parse(session.stdout) as { transport: string; file_mode: string; dir_mode: string; reply: string; result: string }[];
    for (const run of record) {
      assert.equal(run.file_mode, '0o600', `${run.transport}: the connection file is the user's alone`);
      assert.equal(run.dir_mode, '0o700', `${run.transport}: so is the runtime folder`);
      assert.equal(run.reply, 'ok');
      assert.equal(run.result, '42', `${run.transport}: a cell ran`);
    }
    assert.deepEqual(record.map((run) => run.transport), ['tcp', 'ipc']);
  });
});

describe('the authenticator and its log, in process', () => {
  const adaptation = require(path.join(projectRoot, 'scripts', 'kernel', 'authenticate-messages.js')) as {
    MessageAuthenticator: new (key: string) => { check(frames: Buffer[]): { refused?: string }; history: Set<string> };
    RefusalLog: new (write: (line: string) => void, now: () => number) => { refused(channel: string, reason: string): void; summarize(): void };
    HISTORY_SIZE: number;
  };

  it('remembers the last 2^16 accepted signatures, as jupyter_client does, forgetting the oldest tenth when full', () => {
    const key = 'k';
    const authenticator = new adaptation.MessageAuthenticator(key);
    const signed = (i: number) => {
      const parts = [JSON.stringify({ msg_type: 'kernel_info_request', msg_id: String(i) }), '{}', '{}', '{}'].map((part) => Buffer.from(part));
      const hmac = crypto.createHmac('sha256', key);
      for (const part of parts) hmac.update(part);
      return [Buffer.from(DELIMITER), Buffer.from(hmac.digest('hex')), ...parts];
    };
    const first = signed(0);
    assert.equal(authenticator.check(first).refused, undefined);
    assert.equal(authenticator.check(first).refused, 'a signature already seen (replay)');
    for (let i = 1; i <= adaptation.HISTORY_SIZE; i++) authenticator.check(signed(i));
    assert.ok(authenticator.history.size <= adaptation.HISTORY_SIZE, 'bounded');
    assert.equal(authenticator.check(first).refused, undefined, 'the oldest was forgotten');
    assert.equal(authenticator.check(signed(adaptation.HISTORY_SIZE)).refused, 'a signature already seen (replay)', 'the newest is remembered');
  });

  it('logs the first refusal of each kind at once and the rest as one summary per 10 s', () => {
    const lines: string[] = [];
    let now = 0;
    const log = new adaptation.RefusalLog((line) => lines.push(line), () => now);
    log.refused('shell', 'wrong signature');
    log.refused('shell', 'unsigned');
    assert.equal(lines.length, 2);
    log.refused('shell', 'wrong signature'); // the first repeat: a summary at once
    for (let i = 0; i < 1000; i++) log.refused('shell', 'wrong signature');
    assert.equal(lines.length, 3, 'a flood adds no line within 10 s');
    now = 10_000;
    log.summarize();
    assert.match(lines.at(-1)!, /^\[descent-lab kernel\] refused more messages: 1000 wrong signature \(shell\); 1003 since start\n$/);
  });
});
