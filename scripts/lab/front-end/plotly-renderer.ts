/**
 * A JupyterLab mime renderer for `application/vnd.plotly.v1+json`, the figure every course chart
 * output carries. It draws with plotly.js-dist-min from npm (loaded on the first chart, so the
 * interface starts without its 4.8 MB), and it is marked safe: a plotly figure is data, not
 * script, so an untrusted notebook's charts are as interactive as a trusted one's. Ranked ahead of
 * HTML, so JupyterLab never falls back to the output's static picture while this renderer exists.
 * (`jupyterlab-plotly` on npm targets JupyterLab 3 and Lumino 1, hence a renderer of our own.)
 */
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { Widget } from '@lumino/widgets';

export const plotlyMimeType = 'application/vnd.plotly.v1+json';

interface PlotlyFigure {
  data?: unknown[];
  layout?: Record<string, unknown>;
  config?: Record<string, unknown>;
  frames?: unknown[];
}

interface Plotly {
  react(element: HTMLElement, figure: PlotlyFigure): Promise<unknown>;
  addFrames(element: HTMLElement, frames: unknown[]): Promise<unknown>;
  purge(element: HTMLElement): void;
  Plots: { resize(element: HTMLElement): void };
}

let plotly: Promise<Plotly> | undefined;
const loadPlotly = () =>
  (plotly ??= import('plotly.js-dist-min').then((module) => ((module as { default?: Plotly }).default ?? module) as Plotly));

class PlotlyRenderer extends Widget implements IRenderMime.IRenderer {
  private drawn = false;

  constructor() {
    super();
    this.addClass('dl-PlotlyRenderer');
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const figure = model.data[plotlyMimeType] as PlotlyFigure;
    const Plotly = await loadPlotly();
    // Plotly.react keeps the frames out of the figure it draws; the animation needs them added.
    await Plotly.react(this.node, { data: figure.data ?? [], layout: figure.layout ?? {}, config: { responsive: true, ...figure.config } });
    if (figure.frames?.length) await Plotly.addFrames(this.node, figure.frames);
    this.drawn = true;
  }

  protected override onResize(): void {
    if (this.drawn) void loadPlotly().then((Plotly) => Plotly.Plots.resize(this.node));
  }

  override dispose(): void {
    if (this.drawn) void loadPlotly().then((Plotly) => Plotly.purge(this.node));
    super.dispose();
  }
}

const rendererFactory: IRenderMime.IRendererFactory = {
  safe: true,
  mimeTypes: [plotlyMimeType],
  createRenderer: () => new PlotlyRenderer(),
};

/** The mime extension, as JupyterLab's `mimeExtensions` option takes it. */
export const plotlyExtension: IRenderMime.IExtension = {
  id: 'descent-lab:plotly-renderer',
  description: 'Draws plotly figures with plotly.js.',
  rendererFactory,
  rank: 0,
  dataType: 'json',
};
