/**
 * Browser entry of the course's JupyterLab 4 (bundled by ../bundle.ts with esbuild), assembled the
 * way JupyterLab's `examples/app` assembles it: the plugin packages of ./extensions.ts, JSON and
 * plotly mime renderers, started once the page has loaded.
 */
import { JupyterLab, JupyterFrontEndPlugin } from '@jupyterlab/application';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { plotlyExtension } from './plotly-renderer';
import './styles';

type PluginModule = { __esModule?: true; default: JupyterFrontEndPlugin<unknown> | JupyterFrontEndPlugin<unknown>[] };

// Plugins whose required services live in packages this interface leaves out.
// Also the announcements plugin: it asks a pip JupyterLab's news endpoints, and would prompt
// every student to opt into Jupyter news.
const leftOut = [':language-server', 'toc', 'collaboration', 'apputils-extension:announcements'];
// JupyterLab takes an object without `__esModule` for a plugin itself, not a module holding some.
const kept = (module: PluginModule): PluginModule => {
  const plugins = ([] as JupyterFrontEndPlugin<unknown>[]).concat(module.default);
  return { __esModule: true, default: plugins.filter(({ id }) => !leftOut.some((part) => id.includes(part))) };
};

// Static imports so that esbuild bundles them; same order as ./extensions.ts.
const pluginModules: PluginModule[] = [
  require('@jupyterlab/application-extension'),
  require('@jupyterlab/apputils-extension'),
  require('@jupyterlab/codemirror-extension'),
  require('@jupyterlab/completer-extension'),
  require('@jupyterlab/console-extension'),
  require('@jupyterlab/docmanager-extension'),
  require('@jupyterlab/documentsearch-extension'),
  require('@jupyterlab/filebrowser-extension'),
  require('@jupyterlab/fileeditor-extension'),
  require('@jupyterlab/help-extension'),
  require('@jupyterlab/launcher-extension'),
  require('@jupyterlab/mainmenu-extension'),
  require('@jupyterlab/markedparser-extension'),
  require('@jupyterlab/mathjax-extension'),
  require('@jupyterlab/metadataform-extension'),
  require('@jupyterlab/notebook-extension'),
  require('@jupyterlab/rendermime-extension'),
  require('@jupyterlab/running-extension'),
  require('@jupyterlab/settingeditor-extension'),
  require('@jupyterlab/shortcuts-extension'),
  require('@jupyterlab/statusbar-extension'),
  require('@jupyterlab/theme-dark-extension'),
  require('@jupyterlab/theme-light-extension'),
  require('@jupyterlab/tooltip-extension'),
  require('@jupyterlab/translation-extension'),
  require('@jupyterlab/ui-components-extension'),
];

// JupyterLab tells a module from a bare extension by `__esModule`, which esbuild's module objects
// lack: without it every mime extension is registered as 'undefined'.
const mimeExtensions = [
  { __esModule: true, default: require('@jupyterlab/json-extension').default as IRenderMime.IExtension },
  { __esModule: true, default: plotlyExtension },
];

window.addEventListener('load', async () => {
  const lab = new JupyterLab({ mimeExtensions: mimeExtensions as never });
  lab.registerPluginModules(pluginModules.map(kept));
  // Tests and curious students reach the application from the page's console, as in JupyterLab.
  (window as unknown as { jupyterapp: JupyterLab }).jupyterapp = lab;
  await lab.start();
  await lab.restored;
  document.body.dataset.descentLab = 'restored';
});
