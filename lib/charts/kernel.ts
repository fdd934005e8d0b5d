/** Writes display bundles into the running tslab cell: whole MIME bundles, and in-place updates. */
import { join } from 'node:path';
import type { MimeBundle } from './bundle';

const TSLAB_JUPYTER_MODULE = join('tslab', 'dist', 'jupyter.js');

type WriteDisplayData = (message: MimeBundle & { transient: { display_id?: string } }, update: boolean) => void;

/** Writes `bundle` as a display (`update` false) or replaces the display `displayId` (`update` true). */
export type KernelWriter = (bundle: MimeBundle, displayId?: string, update?: boolean) => void;

/**
 * The tslab copy that runs this kernel. It is usually the project's node_modules/tslab, but a
 * kernel started from another install has its own copy, whose connection is the only one that
 * can write to the notebook. tslab sets `lastWriteDisplayData` when a cell runs, so the loaded
 * copy that has it is live. Its public `display` sends one MIME type per call; a chart is a
 * bundle of three, so this writes through `lastWriteDisplayData` itself, read at each call
 * because tslab replaces it for every cell.
 */
export function kernelWriter(): KernelWriter | undefined {
  for (const [file, loaded] of Object.entries(require.cache)) {
    const jupyter = loaded?.exports as { lastWriteDisplayData?: WriteDisplayData | null } | undefined;
    if (file.endsWith(TSLAB_JUPYTER_MODULE) && jupyter?.lastWriteDisplayData) {
      return (bundle, displayId, update = false) =>
        jupyter.lastWriteDisplayData!({ ...bundle, transient: displayId ? { display_id: displayId } : {} }, update);
    }
  }
  return undefined;
}

/** `kernelWriter()`, or a clear error naming `what` and the alternatives outside a notebook. */
export function requireKernelWriter(what: string): KernelWriter {
  const writer = kernelWriter();
  if (writer) return writer;
  throw new Error(`${what} draws into a Jupyter notebook run by the tslab kernel, and none is running here. ` +
    'Outside a notebook, use plotlyHtml() for an HTML page or svgChart()/writeSvgChart() for an SVG file.');
}
