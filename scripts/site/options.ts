/**
 * `npm run site`'s command line and environment: where the executed notebooks are read from and
 * the site is written to, the run mode, and the JupyterHub the "Open in JupyterHub" links point to.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { defaultOutDir, notebooksDir, projectRoot } from '../jupyter/paths';

/** Where nbgitpuller clones from and which branch (see hub-link.ts). */
export interface HubOptions {
  /** The hub's base URL, e.g. `https://hub.example.edu` (no trailing `/hub`). */
  url: string;
  /** The git repository holding this course, as its users' servers can clone it. */
  repo: string;
  branch: string;
}

export interface SiteOptions {
  quick: boolean;
  /** The course notebooks (the instructor edition). */
  notebooksDir: string;
  /** Where `npm start` writes the executed notebooks, and where the site reads them. */
  executedDir: string;
  /** The website's folder. */
  siteDir: string;
  hub?: HubOptions;
}

export const usage = `Usage: npm run site [-- options]
  --quick            use (and, when missing or stale, make) quick-mode notebooks (DESCENT_LAB_QUICK=1)
  --full             the full course (the default unless DESCENT_LAB_QUICK=1)
  --out DIR          write the site to DIR (default out/site)
  --from DIR         read executed notebooks from DIR, running them there first when needed (default out/)
  --notebooks DIR    the course notebooks (default notebooks/)
  --hub URL          add "Open in JupyterHub" links to this hub (or DESCENT_LAB_HUB_URL)
  --repo URL         the git repository the hub pulls the course from (or DESCENT_LAB_REPO_URL;
                     default: this checkout's remote "origin")
  --branch NAME      its branch (or DESCENT_LAB_REPO_BRANCH; default main)`;

function originUrl(): string | undefined {
  const git = spawnSync('git', ['remote', 'get-url', 'origin'], { cwd: projectRoot, encoding: 'utf8' });
  return git.status === 0 && git.stdout.trim() ? git.stdout.trim() : undefined;
}

function hubOptions(url: string | undefined, repo: string | undefined, branch: string | undefined): HubOptions | undefined {
  if (!url) return undefined;
  if (!/^https?:\/\/[^/]/.test(url)) {
    throw new Error(`The hub URL must start with http:// or https://, got "${url}" (e.g. --hub https://hub.example.edu).`);
  }
  const from = repo || originUrl();
  if (!from) {
    throw new Error('An "Open in JupyterHub" link needs the git repository the hub pulls the course from: ' +
      'pass --repo URL (or set DESCENT_LAB_REPO_URL), e.g. --repo https://github.com/you/descent-lab.');
  }
  return { url: url.replace(/\/+$/, '').replace(/\/hub$/, ''), repo: from, branch: branch || 'main' };
}

export function parseSiteArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): SiteOptions {
  let quick = env.DESCENT_LAB_QUICK === '1' || env.DESCENT_LAB_QUICK === 'true';
  let executedDir = defaultOutDir;
  let siteDir: string | undefined;
  let notebooks = notebooksDir;
  let hub = env.DESCENT_LAB_HUB_URL;
  let repo = env.DESCENT_LAB_REPO_URL;
  let branch = env.DESCENT_LAB_REPO_BRANCH;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) throw new Error(`${flag} needs a value.\n${usage}`);
      return next;
    };
    if (flag === '--quick') quick = true;
    else if (flag === '--full') quick = false;
    else if (flag === '--out') siteDir = path.resolve(value());
    else if (flag === '--from') executedDir = path.resolve(value());
    else if (flag === '--notebooks') notebooks = path.resolve(value());
    else if (flag === '--hub') hub = value();
    else if (flag === '--repo') repo = value();
    else if (flag === '--branch') branch = value();
    else throw new Error(`Unknown option ${flag}.\n${usage}`);
  }
  return {
    quick,
    notebooksDir: notebooks,
    executedDir,
    siteDir: siteDir ?? path.join(executedDir, 'site'),
    hub: hubOptions(hub, repo, branch),
  };
}
