/**
 * Which JupyterLab 4 packages the course's interface is made of: the plugin packages (their
 * settings schemas are copied next to the bundle, their styles bundled) and the themes. The list
 * follows JupyterLab's own `examples/app`, without what a course on notebooks does not use
 * (terminals, CSV and PDF viewers, the table of contents, the language server, collaboration).
 * Plain data, read both by the browser entry (main.ts) and by the build (../bundle.ts).
 */
export const pluginPackages = [
  '@jupyterlab/application-extension',
  '@jupyterlab/apputils-extension',
  '@jupyterlab/codemirror-extension',
  '@jupyterlab/completer-extension',
  '@jupyterlab/console-extension',
  '@jupyterlab/docmanager-extension',
  '@jupyterlab/documentsearch-extension',
  '@jupyterlab/filebrowser-extension',
  '@jupyterlab/fileeditor-extension',
  '@jupyterlab/help-extension',
  '@jupyterlab/launcher-extension',
  '@jupyterlab/mainmenu-extension',
  '@jupyterlab/markedparser-extension',
  '@jupyterlab/mathjax-extension',
  '@jupyterlab/metadataform-extension',
  '@jupyterlab/notebook-extension',
  '@jupyterlab/rendermime-extension',
  '@jupyterlab/running-extension',
  '@jupyterlab/settingeditor-extension',
  '@jupyterlab/shortcuts-extension',
  '@jupyterlab/statusbar-extension',
  '@jupyterlab/theme-dark-extension',
  '@jupyterlab/theme-light-extension',
  '@jupyterlab/tooltip-extension',
  '@jupyterlab/translation-extension',
  '@jupyterlab/ui-components-extension',
] as const;

/** Mime renderer packages of JupyterLab's (the course's own plotly renderer is added in main.ts). */
export const mimePackages = ['@jupyterlab/json-extension'] as const;

/** Packages whose `jupyterlab.themePath` stylesheet becomes `themes/<package>/index.css`. */
export const themePackages = ['@jupyterlab/theme-light-extension', '@jupyterlab/theme-dark-extension'] as const;
