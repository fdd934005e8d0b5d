/**
 * A kernel's websocket (`/user/NAME/api/kernels/ID/channels`) through the hub's proxy, as a
 * notebook page uses it: Jupyter messages as JSON, each reply and output matched to its request
 * by the parent header's msg_id. A request is finished when its reply has come and the kernel
 * has said `idle` for it, so every output has arrived.
 */
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';

export interface KernelMessage {
  channel: string;
  header: { msg_id: string; msg_type: string };
  parent_header: { msg_id?: string };
  content: Record<string, any>;
}

export interface Execution {
  status: 'ok' | 'error' | 'aborted';
  ename?: string;
  evalue?: string;
  /** iopub messages of this cell other than status and execute_input. */
  outputs: KernelMessage[];
  ms: number;
}

interface Pending {
  messages: KernelMessage[];
  reply?: KernelMessage;
  idle: boolean;
  done: (value: { reply: KernelMessage; outputs: KernelMessage[] }) => void;
  fail: (error: Error) => void;
  onOutput?: (message: KernelMessage) => void;
}

export class KernelChannel {
  private readonly pending = new Map<string, Pending>();
  private readonly session = randomUUID();
  private closedWith: Error | undefined;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => this.receive(JSON.parse(data.toString()) as KernelMessage));
    socket.on('close', (code) => this.fail(new Error(`kernel websocket closed (code ${code})`)));
    socket.on('error', (error) => this.fail(error));
  }

  static open(url: string, cookie: string, origin: string): Promise<KernelChannel> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers: { Cookie: cookie, Origin: origin } });
      socket.once('open', () => resolve(new KernelChannel(socket)));
      socket.once('unexpected-response', (_request, response) => reject(new Error(`kernel websocket refused: HTTP ${response.statusCode}`)));
      socket.once('error', reject);
    });
  }

  private fail(error: Error): void {
    this.closedWith ??= error;
    for (const [id, pending] of this.pending) {
      this.pending.delete(id);
      pending.fail(this.closedWith);
    }
  }

  private receive(message: KernelMessage): void {
    const pending = this.pending.get(message.parent_header?.msg_id ?? '');
    if (!pending) return;
    if (message.channel === 'shell') pending.reply = message;
    else if (message.channel === 'iopub') {
      if (message.header.msg_type === 'status') pending.idle = message.content.execution_state === 'idle';
      else if (message.header.msg_type !== 'execute_input') {
        pending.messages.push(message);
        pending.onOutput?.(message);
      }
    }
    if (pending.reply && pending.idle) {
      this.pending.delete(message.parent_header.msg_id!);
      pending.done({ reply: pending.reply, outputs: pending.messages });
    }
  }

  /** Sends a shell request; resolves with its reply and outputs, or rejects after `timeoutMs`. */
  request(msgType: string, content: Record<string, unknown>, timeoutMs: number, onOutput?: (message: KernelMessage) => void) {
    if (this.closedWith) return Promise.reject(this.closedWith);
    const msgId = randomUUID();
    return new Promise<{ reply: KernelMessage; outputs: KernelMessage[] }>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(msgId);
        reject(new Error(`no ${msgType} reply within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.pending.set(msgId, {
        messages: [],
        idle: false,
        onOutput,
        done: (value) => { clearTimeout(timer); resolve(value); },
        fail: (error) => { clearTimeout(timer); reject(error); },
      });
      this.socket.send(JSON.stringify({
        channel: 'shell',
        header: { msg_id: msgId, msg_type: msgType, session: this.session, username: 'student', version: '5.3', date: new Date().toISOString() },
        parent_header: {},
        metadata: {},
        content,
        buffers: [],
      }));
    });
  }

  /** Waits for the kernel to answer kernel_info (it is ready for cells then). */
  async kernelInfo(timeoutMs: number): Promise<KernelMessage> {
    return (await this.request('kernel_info_request', {}, timeoutMs)).reply;
  }

  /** Runs a cell as a notebook does with `allow_errors` (a failed cell does not abort later ones). */
  async execute(code: string, timeoutMs: number, onOutput?: (message: KernelMessage) => void): Promise<Execution> {
    const started = performance.now();
    const { reply, outputs } = await this.request('execute_request', {
      code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: false,
    }, timeoutMs, onOutput);
    return {
      status: reply.content.status,
      ename: reply.content.ename,
      evalue: reply.content.evalue,
      outputs,
      ms: performance.now() - started,
    };
  }

  close(): void {
    this.socket.close();
  }
}
