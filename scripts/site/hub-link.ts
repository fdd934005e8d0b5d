/**
 * The "Open in JupyterHub" link, in nbgitpuller's form, as Zero to JupyterHub and TLJH instructors
 * hand them out: `<hub>/hub/user-redirect/git-pull?repo=...&urlpath=...&branch=...`. Clicking it
 * logs the student in, clones (or updates, keeping their edits) the course repository into their
 * home folder under the repository's name, and opens the notebook in JupyterLab.
 */
import type { HubOptions } from './options';

/** The folder nbgitpuller clones `repo` into: the last part of its URL, less `.git`. */
export function cloneFolder(repo: string): string {
  const last = repo.replace(/\/+$/, '').split(/[/:]/).pop() ?? '';
  return last.replace(/\.git$/, '') || 'course';
}

/** The link that opens `notebookPath` (relative to the repository's root, e.g. `notebooks/01-optimizers.ipynb`). */
export function hubLink(hub: HubOptions, notebookPath: string): string {
  const query = new URLSearchParams({
    repo: hub.repo,
    urlpath: `lab/tree/${cloneFolder(hub.repo)}/${notebookPath}`,
    branch: hub.branch,
  });
  return `${hub.url}/hub/user-redirect/git-pull?${query.toString()}`;
}
