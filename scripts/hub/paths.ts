/** Where the hub's files live in this checkout. */
import * as path from 'node:path';
import { projectRoot } from '../jupyter/paths';

/** The one config file an instructor edits (Python, read by JupyterHub). */
export const hubConfigFile = path.join(projectRoot, 'scripts', 'hub', 'jupyterhub_config.py');

/** The Jupyter data folder whose kernel spec every student's server finds (JUPYTER_PATH in the config). */
export const hubJupyterPath = path.join(projectRoot, 'build', 'hub', 'share', 'jupyter');

/** The student editions the config copies into each home (`npm run student` writes them). */
export const studentEditionsDir = path.join(projectRoot, 'out', 'student');

/** Debian's JupyterHub. */
export const jupyterhubBin = '/usr/bin/jupyterhub';
