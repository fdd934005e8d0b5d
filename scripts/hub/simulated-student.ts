/**
 * One simulated student, in the steps of JupyterHub's load tester hubtraf (yuvipanda/hubtraf):
 * log in with the hub's form, ask the hub to start the server and wait until its pages answer
 * through the proxy, open a notebook and start its kernel as the classic Notebook does (a
 * session), then run cells over the kernel's websocket. Each step is timed.
 */
import { BrowserSession } from './browser-session';
import { KernelChannel, type Execution, type KernelMessage } from './kernel-channel';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class SimulatedStudent {
  readonly browser: BrowserSession;
  kernelId: string | undefined;
  /** What the server's default page is: JupyterLab or the classic Notebook (known once it runs). */
  ui: 'lab' | 'classic' | undefined;
  private channel: KernelChannel | undefined;

  constructor(readonly hubUrl: string, readonly name: string, private readonly password = '') {
    this.browser = new BrowserSession(hubUrl);
  }

  get serverPath(): string {
    return `/user/${this.name}`;
  }

  /** The login form; the hub answers with a redirect and its login cookie. Returns ms. */
  async login(): Promise<number> {
    const started = performance.now();
    const page = await this.browser.request('/hub/login', { method: 'POST', form: { username: this.name, password: this.password }, follow: false });
    if (page.status !== 302 || !this.browser.cookie('jupyterhub-hub-login')) {
      throw new Error(`login of ${this.name} refused: HTTP ${page.status}`);
    }
    return performance.now() - started;
  }

  /** Asks for the server, then opens its start page until it answers (OAuth hops included). Returns ms. */
  async startServer(timeoutMs = 180_000): Promise<number> {
    const started = performance.now();
    const spawn = await this.browser.request('/hub/spawn', { method: 'POST', form: {}, follow: false });
    if (spawn.status !== 302) throw new Error(`the hub refused to start ${this.name}'s server: HTTP ${spawn.status} ${spawn.body.slice(0, 200)}`);
    for (;;) {
      const page = await this.browser.request(`${this.serverPath}/`);
      const landed = new URL(page.url).pathname;
      if (page.status === 200 && landed.startsWith(`${this.serverPath}/`)) {
        this.ui = landed.startsWith(`${this.serverPath}/lab`) ? 'lab' : 'classic';
        break;
      }
      if (performance.now() - started > timeoutMs) {
        throw new Error(`${this.name}'s server was not ready after ${timeoutMs / 1000} s (last: HTTP ${page.status} at ${page.url})`);
      }
      await sleep(500);
    }
    return performance.now() - started;
  }

  /** The notebook's page and file, as the browser loads them. */
  async openNotebook(path: string): Promise<{ cells: { cell_type: string; source: string | string[] }[] }> {
    const page = await this.browser.request(`${this.serverPath}/${this.ui === 'lab' ? 'lab/tree' : 'notebooks'}/${path}`);
    if (page.status !== 200) throw new Error(`${this.name} cannot open ${path}: HTTP ${page.status}`);
    const model = await this.browser.json<{ content: { cells: { cell_type: string; source: string | string[] }[] } }>(
      `${this.serverPath}/api/contents/${path}?type=notebook&content=1`);
    return model.content;
  }

  /** Starts the notebook's kernel (a session) and waits for its kernel_info reply. Returns ms. */
  async startKernel(path: string, kernelName: string, timeoutMs = 120_000): Promise<number> {
    const started = performance.now();
    const session = await this.browser.json<{ kernel: { id: string } }>(`${this.serverPath}/api/sessions`, {
      method: 'POST', expect: 201, body: { path, type: 'notebook', name: '', kernel: { name: kernelName } },
    });
    this.kernelId = session.kernel.id;
    const wsUrl = `${this.hubUrl.replace(/^http/, 'ws')}${this.serverPath}/api/kernels/${this.kernelId}/channels`;
    this.channel = await KernelChannel.open(wsUrl, this.browser.cookieHeader(), this.hubUrl);
    // A kernel that is still starting answers kernel_info once its sockets are up; ask until it does.
    for (;;) {
      try {
        await this.channel.kernelInfo(5_000);
        break;
      } catch (error) {
        if (performance.now() - started > timeoutMs) throw error;
      }
    }
    return performance.now() - started;
  }

  async execute(code: string, timeoutMs = 300_000, onOutput?: (message: KernelMessage) => void): Promise<Execution> {
    if (!this.channel) throw new Error('start the kernel first');
    return this.channel.execute(code, timeoutMs, onOutput);
  }

  /** Stops the server through the hub's API, as the Control Panel's Stop button does. */
  async stopServer(): Promise<void> {
    this.channel?.close();
    const answer = await this.browser.request(`/hub/api/users/${this.name}/server`, { method: 'DELETE' });
    if (answer.status !== 202 && answer.status !== 204) throw new Error(`stopping ${this.name}'s server: HTTP ${answer.status}`);
  }

  close(): void {
    this.channel?.close();
  }
}
