/**
 * A starting kernel answers before it builds its TypeScript compiler, and builds it while idle
 * (scripts/kernel/warm-when-idle.js). The real kernel over raw ZeroMQ, with a preload
 * (test/support/record-typescript-reads.js) that notes when TypeScript first reads a declaration
 * file: the order of events is checked, not how long anything takes.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { projectRoot } from '../scripts/jupyter/paths';
import { RawKernelClient, startKernelProcess, writeConnectionFile } from './support/raw-kernel';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'descent-lab-warm-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const preload = path.join(projectRoot, 'test', 'support', 'record-typescript-reads.js');

describe('a starting kernel', () => {
  it('answers kernel_info before TypeScript reads any declaration file, reads them while idle, then runs a typed cell', async () => {
    const reads = path.join(dir, 'typescript-reads.log');
    const { file, info } = await writeConnectionFile(dir);
    const kernel = startKernelProcess(file, { ...process.env, NODE_OPTIONS: `--require ${preload}`, DESCENT_LAB_TYPESCRIPT_READS: reads });
    const client = new RawKernelClient(info);
    const firstRead = () => (fs.existsSync(reads) ? Number(fs.readFileSync(reads, 'utf8').split(' ')[0]) : undefined);
    try {
      // One request, sent before the kernel has its sockets (ZeroMQ delivers it once they are up);
      // its reply on the shell socket is the answer (an IOPub subscription may start too late for
      // the status messages around it, which client.ready() waits for).
      const hello = client.request('kernel_info_request');
      await client.send(hello.frames);
      assert.ok(await client.waitUntil(() => client.messagesFor(hello.msgId).some((message) => message.header.msg_type === 'kernel_info_reply')));
      const answeredAt = Date.now();
      const readBefore = firstRead();
      if (readBefore !== undefined && readBefore <= answeredAt) {
        assert.fail(`TypeScript read ${fs.readFileSync(reads, 'utf8').trim()} ${answeredAt - readBefore} ms before the kernel answered`);
      }
      // No request from here on: the compiler must be built because the kernel is idle.
      assert.ok(await client.waitUntil(() => firstRead() !== undefined, 60_000), 'the idle kernel built its compiler');
      await client.ready();
      const { msgId, frames } = client.request('execute_request', { code: 'const answer: number = 6 * 7;\nanswer', silent: false });
      await client.send(frames);
      assert.equal((await client.replyTo(msgId)).content.status, 'ok');
      const result = client.messagesFor(msgId).find((message) => message.header.msg_type === 'execute_result');
      assert.equal((result?.content.data as Record<string, string> | undefined)?.['text/plain'], '42');
      // Completion and tooltips go through the same compiler (and through the adaptations that wrap it).
      const complete = client.request('complete_request', { code: 'answer.toFix', cursor_pos: 12 });
      await client.send(complete.frames);
      assert.deepEqual((await client.replyTo(complete.msgId)).content.matches, ['toFixed']);
      const inspect = client.request('inspect_request', { code: 'answer', cursor_pos: 3, detail_level: 0 });
      await client.send(inspect.frames);
      assert.match(((await client.replyTo(inspect.msgId)).content.data as Record<string, string>)['text/plain'], /const answer: number/);
    } finally {
      client.close();
      kernel.child.kill();
      await kernel.exited;
    }
  });
});
