/**
 * The class hub end to end, with the instructor's config file: a real JupyterHub (Debian's, with
 * its configurable-http-proxy), three real Unix accounts, each logging in, getting their own
 * server and the course kernel, and running a cell through the hub's proxy. Then student A tries
 * to reach student B's notebooks, cache, connection file and kernel, as A (runuser) and through
 * the hub; every attempt must fail. Needs root (accounts, LocalProcessSpawner); they are removed after.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createAccount, processesOf, removeAccount, setPassword, uidOf } from '../scripts/hub/accounts';
import { startHub, type RunningHub } from '../scripts/hub/hub-process';
import { jupyterhubBin, studentEditionsDir } from '../scripts/hub/paths';
import { KernelChannel } from '../scripts/hub/kernel-channel';
import { SimulatedStudent } from '../scripts/hub/simulated-student';
import { projectRoot } from '../scripts/jupyter/paths';
import { writeStudentEdition } from '../scripts/student/student-edition';

const skip = process.getuid?.() !== 0 ? 'needs root: it creates Unix accounts and the hub starts servers as them'
  : !fs.existsSync(jupyterhubBin) ? 'needs Debian\'s jupyterhub (scripts/system-packages.js installs it)' : false;

const suffix = randomBytes(3).toString('hex');
const [nameA, nameB, nameC] = ['a', 'b', 'c'].map((letter) => `dlhub${suffix}${letter}`);
const password = randomBytes(12).toString('hex');
const notebook = 'descent-lab/01-optimizers.ipynb';
const sharedCache = fs.mkdtempSync(path.join(os.tmpdir(), 'descent-lab-shared-cache-'));
const marker = path.join(os.tmpdir(), `descent-lab-intrusion-${suffix}`);

let hub: RunningHub;
const students = new Map<string, SimulatedStudent>();
const student = (name: string) => students.get(name)!;

/** Runs a command as `user`; returns its exit status and what it printed. */
function asUser(user: string, command: string[]): { status: number | null; output: string } {
  const result = spawnSync('runuser', ['-u', user, '--', ...command], { encoding: 'utf8', cwd: '/' });
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

/** The kernel process of `user` and its connection file (from its command line). */
function kernelOf(user: string): { pid: number; connectionFile: string } {
  for (const pid of processesOf(uidOf(user)!)) {
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const at = argv.indexOf('--config-path');
    if (at > 0 && argv.some((arg) => arg.endsWith('tslab-kernel.js'))) return { pid, connectionFile: argv[at + 1] };
  }
  throw new Error(`no kernel process runs as ${user}`);
}

describe('the class hub', { skip, timeout: 240_000 }, () => {
  before(async () => {
    for (const name of fs.readdirSync(path.join(projectRoot, 'notebooks')).filter((file) => file.endsWith('.ipynb'))) {
      writeStudentEdition(path.join(projectRoot, 'notebooks', name), studentEditionsDir);
    }
    fs.chmodSync(sharedCache, 0o755);
    for (const name of [nameA, nameB, nameC]) createAccount(name);
    hub = await startHub({ students: [nameA, nameB, nameC], password, environment: { DESCENT_LAB_CACHE_DIR: sharedCache } });
    await Promise.all([nameA, nameB, nameC].map(async (name) => {
      const simulated = new SimulatedStudent(hub.url, name, password);
      students.set(name, simulated);
      await simulated.login();
      await simulated.startServer();
      await simulated.openNotebook(notebook);
      await simulated.startKernel(notebook, 'descent-lab-tslab');
    }));
  });

  after(async () => {
    for (const simulated of students.values()) simulated.close();
    await hub?.stop();
    for (const name of [nameA, nameB, nameC]) removeAccount(name);
    fs.rmSync(sharedCache, { recursive: true, force: true });
    fs.rmSync(marker, { force: true });
  });

  it('gives each student a server (JupyterLab) and a kernel running as their own account, and runs their cells', async () => {
    for (const name of [nameA, nameB, nameC]) {
      assert.equal(student(name).ui, 'lab', 'the server opens JupyterLab 4 (build/lab/)');
      const result = await student(name).execute('6 * 7', 60_000);
      assert.equal(result.status, 'ok', `${name}: ${result.ename}: ${result.evalue}`);
      const shown = result.outputs.find((message) => message.header.msg_type === 'execute_result');
      assert.equal(shown?.content.data['text/plain'], '42');
      const kernel = kernelOf(name);
      assert.match(fs.readFileSync(`/proc/${kernel.pid}/status`, 'utf8'), new RegExp(`^Uid:\\s+${uidOf(name)}\\s`, 'm'));
    }
  });

  it("gives each student's server a port of its own below the ephemeral range, which no connection or kernel is ever given", () => {
    const [ephemeralLow] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    const ports = [nameA, nameB, nameC].map((name) => {
      const server = processesOf(uidOf(name)!).find((pid) => fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('jupyterhub-singleuser'));
      assert.ok(server, `${name}'s server process`);
      const environment = fs.readFileSync(`/proc/${server}/environ`, 'utf8').split('\0');
      const url = environment.find((entry) => entry.startsWith('JUPYTERHUB_SERVICE_URL='))!.split('=')[1];
      return Number(new URL(url).port);
    });
    assert.equal(new Set(ports).size, 3, `three different ports: ${ports}`);
    for (const port of ports) assert.ok(port >= 20000 && port < 30000 && port < ephemeralLow, `port ${port}: SERVER_PORTS of the config, below ${ephemeralLow}`);
  });

  it("imports the course library in a student's notebook, in their home folder", async () => {
    const result = await student(nameA).execute("import * as dl from 'descent-lab';\ntypeof dl.runExperiments", 120_000);
    assert.equal(result.status, 'ok', `${result.ename}: ${result.evalue}`);
    const shown = result.outputs.find((message) => message.header.msg_type === 'execute_result');
    assert.equal(shown?.content.data['text/plain'], "'function'");
  });

  it('gives each student a private home (no access for others) holding the student editions as their own files', () => {
    for (const name of [nameA, nameB, nameC]) {
      const home = `/home/${name}`;
      assert.equal(fs.statSync(home).mode & 0o027, 0, `${home} is closed to other users`);
      for (const edition of fs.readdirSync(studentEditionsDir).filter((file) => file.endsWith('.ipynb'))) {
        const copy = path.join(home, 'descent-lab', edition);
        assert.equal(fs.statSync(copy).uid, uidOf(name), `${copy} belongs to ${name}`);
        assert.equal(fs.readFileSync(copy, 'utf8'), fs.readFileSync(path.join(studentEditionsDir, edition), 'utf8'));
      }
    }
  });

  it("keeps a student's own work when their server starts again", async () => {
    const simulated = student(nameC);
    const saved = await simulated.browser.json<{ content: Record<string, unknown> }>(`${simulated.serverPath}/api/contents/${notebook}?content=1`);
    const cells = (saved.content as { cells: { source: string }[] }).cells;
    cells[0].source = '# my own notes';
    await simulated.browser.json(`${simulated.serverPath}/api/contents/${notebook}`, {
      method: 'PUT', body: { type: 'notebook', format: 'json', content: saved.content },
    });
    await simulated.stopServer();
    await simulated.startServer();
    const again = await simulated.browser.json<{ content: { cells: { source: string }[] } }>(`${simulated.serverPath}/api/contents/${notebook}?content=1`);
    assert.equal(again.content.cells[0].source, '# my own notes');
  });

  it("logs a student in with their Unix password through the config's PAM, and refuses a wrong one", async () => {
    const unixPassword = randomBytes(9).toString('base64');
    setPassword(nameC, unixPassword);
    const pamHub = await startHub({ students: [nameA, nameC] });
    try {
      await assert.rejects(new SimulatedStudent(pamHub.url, nameC, `${unixPassword}-wrong`).login(), /refused/);
      await new SimulatedStudent(pamHub.url, nameC, unixPassword).login();
      await assert.rejects(new SimulatedStudent(pamHub.url, nameA, unixPassword).login(), /refused/, 'A, allowed but without a Unix password');
    } finally {
      await pamHub.stop();
    }
  });

  describe('student A against student B', () => {
    const refused = (attempt: string, command: string[]) => {
      const { status, output } = asUser(nameA, command);
      assert.notEqual(status, 0, `${attempt} succeeded: ${output}`);
      assert.match(output, /Permission denied|Operation not permitted/, `${attempt}: ${output}`);
      return output;
    };

    it("cannot list B's home, read B's notebook, change it or add a file", (t) => {
      const bNotebook = `/home/${nameB}/${notebook}`;
      t.diagnostic(refused('ls B\'s home', ['ls', `/home/${nameB}`]));
      t.diagnostic(refused('read B\'s notebook', ['cat', bNotebook]));
      t.diagnostic(refused('overwrite B\'s notebook', ['sh', '-c', `echo '{}' > ${bNotebook}`]));
      t.diagnostic(refused('create a file in B\'s home', ['touch', `/home/${nameB}/from-a`]));
      assert.equal(fs.readFileSync(bNotebook, 'utf8'), fs.readFileSync(path.join(studentEditionsDir, '01-optimizers.ipynb'), 'utf8'));
    });

    it("cannot write into the shared results cache, nor reach B's own cache in B's home", (t) => {
      t.diagnostic(refused('write into the shared cache', ['touch', path.join(sharedCache, 'from-a')]));
      t.diagnostic(refused('read B\'s own cache', ['ls', `/home/${nameB}/.cache`]));
    });

    it("cannot read B's kernel connection file (its key), environment or signal B's kernel", (t) => {
      const kernel = kernelOf(nameB);
      t.diagnostic(refused('read B\'s connection file', ['cat', kernel.connectionFile]));
      t.diagnostic(refused('read B\'s kernel environment', ['cat', `/proc/${kernel.pid}/environ`]));
      t.diagnostic(refused('signal B\'s kernel', ['kill', '-s', 'TERM', String(kernel.pid)]));
      assert.doesNotThrow(() => process.kill(kernel.pid, 0), 'B\'s kernel still runs');
    });

    it("cannot run code in B's kernel through its ports without B's key", async (t) => {
      const { shell_port } = JSON.parse(fs.readFileSync(kernelOf(nameB).connectionFile, 'utf8'));
      const script = path.join(projectRoot, 'test', 'support', 'intrude_kernel.py');
      const { status, output } = asUser(nameA, ['/usr/bin/python3', script, String(shell_port), marker]);
      assert.equal(status, 0, output);
      t.diagnostic(`execute_request to B's shell port ${shell_port}, wrong key and unsigned: ${output}`);
      assert.deepEqual(JSON.parse(output.split('\n').pop()!), { answered: [] });
      assert.equal(fs.existsSync(marker), false, 'B\'s kernel ran none of it');
      const stillB = await student(nameB).execute('1 + 1', 60_000);
      assert.equal(stillB.status, 'ok', 'B\'s kernel still answers B');
    });

    it("cannot open B's server, files or kernel through the hub with A's login", async (t) => {
      const a = student(nameA);
      const b = student(nameB);
      const files = await a.browser.request(`/user/${nameB}/api/contents/descent-lab`);
      t.diagnostic(`A's GET /user/${nameB}/api/contents/descent-lab: HTTP ${files.status} at ${new URL(files.url).pathname}`);
      assert.ok(files.status === 403 || files.status === 404, `HTTP ${files.status}`);
      assert.doesNotMatch(files.body, /01-optimizers/);
      const wsUrl = `${hub.url.replace(/^http/, 'ws')}/user/${nameB}/api/kernels/${b.kernelId}/channels`;
      await assert.rejects(KernelChannel.open(wsUrl, a.browser.cookieHeader(), hub.url), /refused|HTTP/);
      t.diagnostic(`A's websocket to B's kernel: refused`);
    });
  });
});
