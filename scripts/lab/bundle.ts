/**
 * Builds the course's JupyterLab 4 front end into build/lab/ from the pinned `@jupyterlab/*`
 * packages, the way JupyterLab's own builder does for `examples/app`, with esbuild instead of
 * webpack:
 *   static/    lab.js, its lazily loaded chunks (plotly.js, MathJax, CodeMirror languages), lab.css;
 *   schemas/   each plugin package's settings schemas, with its package.json as `package.json.orig`
 *              (jupyterlab_server reads the version from it);
 *   themes/    each theme's stylesheet bundled as `<package>/index.css`.
 * A stamp of every input (the lock file, front-end/ and this file) is kept with the build; when it
 * matches, nothing is rebuilt, so `npm run lab` is quick after the first time.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { build, Plugin } from 'esbuild';
import { projectRoot } from '../jupyter/paths';
import { pluginPackages, themePackages } from './front-end/extensions';

/** Where the build goes. */
export const labBuildDir = path.join(projectRoot, 'build', 'lab');
const sourceDir = path.join(projectRoot, 'scripts', 'lab');
const stampFile = path.join(labBuildDir, 'inputs.sha256');

/**
 * JupyterLab's CSS is written for webpack: `@import url('~@lumino/widgets/style/index.css')` names
 * a package, and SVG icons are text when code imports them (LabIcon takes the markup) but images
 * when CSS points at them. This plugin gives esbuild both conventions.
 */
const jupyterLabAssets: Plugin = {
  name: 'jupyterlab-assets',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^~/ }, (args) => ({
      path: require.resolve(args.path.slice(1), { paths: [args.resolveDir] }),
    }));
    esbuild.onResolve({ filter: /\.(svg|raw\.css)([?#].*)?$/ }, (args) => {
      const fromCss = args.kind === 'url-token' || args.kind === 'import-rule';
      const request = args.path.replace(/[?#].*$/, ''); // `font.svg#fontawesome` names a file and a fragment
      // In CSS, `url(icons/x.svg)` is relative like `./icons/x.svg`; in code a bare name is a package.
      const relative = request.startsWith('.') || path.isAbsolute(request) || (fromCss && !request.startsWith('~'));
      const file = relative ? path.resolve(args.resolveDir, request) : require.resolve(request.replace(/^~/, ''), { paths: [args.resolveDir] });
      return { path: file, namespace: fromCss ? 'asset-dataurl' : 'asset-text' };
    });
    esbuild.onLoad({ filter: /.*/, namespace: 'asset-text' }, (args) => ({ contents: fs.readFileSync(args.path), loader: 'text' }));
    esbuild.onLoad({ filter: /.*/, namespace: 'asset-dataurl' }, (args) => ({ contents: fs.readFileSync(args.path), loader: 'dataurl' }));
  },
};

const assetLoaders = {
  '.png': 'file', '.gif': 'file', '.jpg': 'file', '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.eot': 'file',
  '.md': 'text', '.html': 'text',
} as const;

// Some packages ask `process` for the working folder or the environment, as under webpack's shim.
const processShim = "globalThis.process ??= { cwd: () => '/', env: { NODE_ENV: 'production' }, platform: 'browser' };";

const packageDir = (name: string) => path.dirname(require.resolve(`${name}/package.json`, { paths: [projectRoot] }));

/** Every input of the build: the lock file (all package versions), the front end's sources, this file. */
export function inputsDigest(): string {
  const hash = createHash('sha256');
  const files = [path.join(projectRoot, 'package-lock.json'), path.join(sourceDir, 'bundle.ts')];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (!entry.name.endsWith('.pyc')) files.push(file);
    }
  };
  walk(path.join(sourceDir, 'front-end'));
  for (const file of files) hash.update(path.relative(projectRoot, file)).update('\0').update(fs.readFileSync(file)).update('\0');
  return hash.digest('hex');
}

function copySchemas(): void {
  for (const name of pluginPackages) {
    const dir = packageDir(name);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const schemaDir = manifest.jupyterlab?.schemaDir;
    if (!schemaDir) continue;
    const target = path.join(labBuildDir, 'schemas', name);
    fs.mkdirSync(target, { recursive: true });
    for (const file of fs.readdirSync(path.join(dir, schemaDir)).filter((file) => file.endsWith('.json'))) {
      fs.copyFileSync(path.join(dir, schemaDir, file), path.join(target, file));
    }
    fs.copyFileSync(path.join(dir, 'package.json'), path.join(target, 'package.json.orig'));
  }
}

async function bundleThemes(): Promise<void> {
  await Promise.all(themePackages.map((name) => {
    const dir = packageDir(name);
    const themePath = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).jupyterlab.themePath as string;
    return build({
      entryPoints: { index: path.join(dir, themePath) },
      outdir: path.join(labBuildDir, 'themes', name),
      bundle: true,
      logLevel: 'error',
      plugins: [jupyterLabAssets],
      loader: assetLoaders,
      assetNames: '[name]-[hash]',
    });
  }));
}

async function bundleApp(): Promise<void> {
  await build({
    entryPoints: { lab: path.join(sourceDir, 'front-end', 'main.ts') },
    outdir: path.join(labBuildDir, 'static'),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'linked',
    logLevel: 'error',
    chunkNames: 'chunks/[name]-[hash]',
    assetNames: 'assets/[name]-[hash]',
    plugins: [jupyterLabAssets],
    loader: assetLoaders,
    define: { 'process.env.NODE_ENV': '"production"' },
    banner: { js: processShim },
  });
}

/** True when build/lab/ was made from the current inputs. */
export function labBuildIsCurrent(): boolean {
  return fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === inputsDigest();
}

/**
 * Builds the front end unless the build is current. Returns what happened, with the wall time;
 * a failed build leaves no stamp, so the next run builds again.
 */
export async function ensureLabBuild(options: { force?: boolean } = {}): Promise<{ built: boolean; seconds: number }> {
  const started = process.hrtime.bigint();
  if (!options.force && labBuildIsCurrent()) return { built: false, seconds: 0 };
  const digest = inputsDigest();
  fs.rmSync(labBuildDir, { recursive: true, force: true });
  fs.mkdirSync(labBuildDir, { recursive: true });
  copySchemas();
  await Promise.all([bundleApp(), bundleThemes()]);
  fs.writeFileSync(stampFile, digest);
  return { built: true, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

if (require.main === module) {
  ensureLabBuild({ force: process.argv.includes('--force') }).then(
    ({ built, seconds }) => console.log(built ? `JupyterLab built into ${labBuildDir} in ${seconds.toFixed(1)} s` : 'JupyterLab build is current'),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
