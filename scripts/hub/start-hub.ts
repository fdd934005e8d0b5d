/**
 * `npm run hub`: JupyterHub for a class on this machine, from the instructor's config file
 * (scripts/hub/jupyterhub_config.py). Before it starts the hub it registers the course's kernel
 * where every student's server finds it (build/hub/share/jupyter) and checks that students can
 * read the checkout, whose node, tslab and library their kernels run, and builds the JupyterLab
 * 4 they get (build/lab/, only when its inputs changed). `npm run student` has
 * written the student editions the config copies into each home (the npm script runs it first).
 *
 *     sudo npm run hub [-- any jupyterhub option, e.g. --log-level=DEBUG]
 *
 * Stop it with Ctrl-C: the hub stops every student's server and its proxy on the way out.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../jupyter/paths';
import { ensureLabBuild } from '../lab/bundle';
import { registerKernel } from '../register-kernel';
import { hubConfigFile, hubJupyterPath, jupyterhubBin } from './paths';

/** The first folder from / to `dir` that other users cannot enter, if any. */
export function closedAncestor(dir: string): string | undefined {
  const parts = path.resolve(dir).split(path.sep).filter(Boolean);
  for (let i = 0; i <= parts.length; i++) {
    const folder = path.sep + parts.slice(0, i).join(path.sep);
    if ((fs.statSync(folder).mode & 0o005) !== 0o005) return folder;
  }
  return undefined;
}

/** The course from this checkout: students must be able to read it, and find its kernel spec. */
function checkoutCourse(): void {
  const closed = closedAncestor(projectRoot);
  if (closed) {
    throw new Error(`Students could not run the course's kernel: other users cannot read or enter ${closed}. `
      + `Install the course for every user (sudo npm run install-system), or chmod o+rx ${closed}.`);
  }
  const { dir } = registerKernel(hubJupyterPath);
  console.log(`Course from this checkout; kernel spec for every student: ${dir}`);
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new Error('The hub starts each student\'s server as that student, which needs root: run `sudo npm run hub`.');
  }
  if (!fs.existsSync(jupyterhubBin)) {
    throw new Error(`JupyterHub is not installed (${jupyterhubBin}): apt-get install jupyterhub`);
  }
  const prefix = process.env.DESCENT_LAB_PREFIX ?? '/opt/descent-lab';
  if (fs.existsSync(path.join(prefix, 'install.json'))) {
    console.log(`Course from the system install in ${prefix} (its kernel spec and student editions)`);
  } else {
    checkoutCourse();
  }
  const lab = await ensureLabBuild();
  console.log(`JupyterLab 4 for the students: ${lab.built ? `built in ${lab.seconds.toFixed(1)} s` : 'up to date'} (build/lab/)`);
  console.log(`JupyterHub with ${path.relative(process.cwd(), hubConfigFile) || hubConfigFile}`);
  const hub = spawn(jupyterhubBin, ['-f', hubConfigFile, ...process.argv.slice(2)], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => hub.kill(signal));
  hub.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

main().catch((error) => {
  console.error((error as Error).message);
  process.exit(1);
});
