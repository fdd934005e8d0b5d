export type { ChartOptions, ResolvedChartOptions } from './options';
export { CHART_DEFAULTS, resolveChartOptions } from './options';
export { plotlyFigure, plotlyHtml, resetPlotlyInclusion } from './plotly';
export type { Series, SeriesPoint } from './series';
export { seriesPoints, seriesX, validateSeries, wholeNumberTicks } from './series';
export { showChart } from './show';
export { svgChart, writeSvgChart } from './svg';
