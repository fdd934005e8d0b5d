// plotly.js-dist-min ships no types; the renderer declares the few calls it makes (plotly-renderer.ts).
declare module 'plotly.js-dist-min';
