/**
 * The project's kernel (scripts/tslab-kernel.js) started from a connection file written here, and a
 * raw ZeroMQ client of it, for tests that send what no Jupyter client would: unsigned, forged,
 * replayed and malformed messages. Messages are built and signed as jupyter_client's Session does
 * (HMAC-SHA256 of the four JSON parts, hex). Waits are on messages, never on elapsed time; the
 * deadline is only a safety net against a hung test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zmq from 'zeromq';
import { projectRoot, tslabKernelLauncher } from '../../scripts/jupyter/paths';
import { freePort } from './free-port';

export const DELIMITER = '<IDS|MSG>';
const CHANNELS = ['shell', 'iopub', 'stdin', 'control', 'hb'] as const;
/** A safety net for a request's reply: far above anything a loaded 2-core machine needs. */
const REPLY_DEADLINE_MS = 120_000;

export interface ConnectionInfo {
  transport: string;
  ip: string;
  key: string;
  signature_scheme: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
}

/** A connection file as jupyter_client writes it (ip 127.0.0.1, a fresh key, mode 0600), with overrides. */
export async function writeConnectionFile(dir: string, overrides: Partial<ConnectionInfo> = {}): Promise<{ file: string; info: ConnectionInfo }> {
  const ports: Record<string, number> = {};
  for (const channel of CHANNELS) ports[`${channel}_port`] = await freePort();
  const info = { transport: 'tcp', ip: '127.0.0.1', key: crypto.randomUUID(), signature_scheme: 'hmac-sha256', ...ports, ...overrides } as ConnectionInfo;
  const file = path.join(dir, `kernel-${crypto.randomUUID()}.json`);
  fs.writeFileSync(file, JSON.stringify(info), { mode: 0o600 });
  return { file, info };
}

/** Starts the kernel on `file`; its stdout and stderr are collected. */
export function startKernelProcess(file: string, env: NodeJS.ProcessEnv = process.env): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [tslabKernelLauncher, 'kernel', '--config-path', file], { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

export interface KernelMessage {
  header: { msg_id: string; msg_type: string };
  parent_header: { msg_id?: string };
  content: Record<string, unknown>;
}

/** One request as frames, and what a test needs to know of it. */
export interface SignedRequest {
  msgId: string;
  /** [delimiter, signature, header, parent, metadata, content] */
  frames: Buffer[];
  signature: string;
}

export class RawKernelClient {
  readonly shell = new zmq.Dealer();
  readonly control = new zmq.Dealer();
  readonly iopub = new zmq.Subscriber();
  /** Every signature this client computed (valid ones): none may ever appear in the kernel's output. */
  readonly signatures = new Set<string>();
  /** The text of every message received (replies and IOPub), for tests that look for leaks. */
  readonly receivedText: string[] = [];
  /** Messages received, by the msg_id of their parent request. */
  private readonly received = new Map<string, KernelMessage[]>();
  private readonly waiters = new Set<() => void>();

  constructor(readonly info: ConnectionInfo) {
    const address = (port: number) => `tcp://${info.ip}:${port}`;
    this.shell.connect(address(info.shell_port));
    this.control.connect(address(info.control_port));
    this.iopub.connect(address(info.iopub_port));
    this.iopub.subscribe();
    for (const socket of [this.shell, this.control, this.iopub]) void this.collect(socket);
  }

  sign(parts: Buffer[]): string {
    const hmac = crypto.createHmac('sha256', this.info.key);
    for (const part of parts) hmac.update(part);
    const signature = hmac.digest('hex');
    this.signatures.add(signature);
    return signature;
  }

  /** A correctly signed request; `parts` replaces any of its four JSON parts by raw text. */
  request(msgType: string, content: unknown = {}, parts: Partial<Record<'header' | 'parent' | 'metadata' | 'content', string>> = {}): SignedRequest {
    const msgId = crypto.randomUUID();
    const header = { msg_id: msgId, msg_type: msgType, session: 'raw-client', username: 'test', date: new Date().toISOString(), version: '5.3' };
    const body = [
      parts.header ?? JSON.stringify(header),
      parts.parent ?? '{}',
      parts.metadata ?? '{}',
      parts.content ?? JSON.stringify(content),
    ].map((part) => Buffer.from(part));
    const signature = this.sign(body);
    return { msgId, frames: [Buffer.from(DELIMITER), Buffer.from(signature), ...body], signature };
  }

  send(frames: Buffer[], socket: zmq.Dealer = this.shell): Promise<void> {
    return socket.send(frames);
  }

  /** What arrived so far for request `msgId` (replies and IOPub messages). */
  messagesFor(msgId: string): KernelMessage[] {
    return this.received.get(msgId) ?? [];
  }

  /** Waits until `done()` holds, checking after each message received; false after `waitMs`. */
  async waitUntil(done: () => boolean, waitMs = REPLY_DEADLINE_MS): Promise<boolean> {
    const deadline = Date.now() + waitMs;
    while (!done()) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 1000));
        this.waiters.add(() => (clearTimeout(timer), resolve()));
      });
    }
    return true;
  }

  /** Waits for request `msgId`'s reply and its idle status; returns the reply. */
  async replyTo(msgId: string): Promise<KernelMessage> {
    const reply = await this.waitForReply(msgId, REPLY_DEADLINE_MS);
    if (!reply) throw new Error(`no reply and idle status for ${msgId} within ${REPLY_DEADLINE_MS / 1000} s`);
    return reply;
  }

  /**
   * Sends kernel_info requests until one has its reply and its idle status: then the kernel is
   * up and this client's IOPub subscription is active (ZeroMQ drops what a subscriber joins late for).
   */
  async ready(): Promise<void> {
    const deadline = Date.now() + REPLY_DEADLINE_MS;
    for (;;) {
      const { msgId, frames } = this.request('kernel_info_request');
      await this.send(frames);
      if (await this.waitForReply(msgId, 2000)) return;
      if (Date.now() > deadline) throw new Error('the kernel never answered kernel_info_request');
    }
  }

  /** The reply to `msgId` once its idle status has come too, or undefined after `waitMs`. */
  private async waitForReply(msgId: string, waitMs: number): Promise<KernelMessage | undefined> {
    const reply = () => {
      const messages = this.messagesFor(msgId);
      const idle = messages.some((m) => m.header.msg_type === 'status' && m.content.execution_state === 'idle');
      return idle ? messages.find((m) => m.header.msg_type.endsWith('_reply')) : undefined;
    };
    await this.waitUntil(() => reply() !== undefined, waitMs);
    return reply();
  }

  close(): void {
    for (const socket of [this.shell, this.control, this.iopub]) socket.close();
  }

  private async collect(socket: zmq.Dealer | zmq.Subscriber): Promise<void> {
    try {
      for await (const frames of socket) {
        const delimiter = frames.findIndex((frame) => frame.toString() === DELIMITER);
        const parts = frames.slice(delimiter + 2, delimiter + 6).map((frame) => frame.toString());
        this.receivedText.push(parts.join('\n'));
        const [header, parent, , content] = parts.map((part) => JSON.parse(part));
        const message = { header, parent_header: parent, content } as KernelMessage;
        const parentId = message.parent_header.msg_id ?? '';
        this.received.set(parentId, [...this.messagesFor(parentId), message]);
        for (const wake of this.waiters) wake();
        this.waiters.clear();
      }
    } catch {
      // the socket was closed
    }
  }
}
