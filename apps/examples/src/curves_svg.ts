/** The loss and accuracy curves as a standalone SVG document (rendered by Vega without a browser). */
import type { EpochLogs } from '@nnet/train';
import { parse, View } from 'vega';
import { compile } from 'vega-lite';
import { curvePoints, curvesSpec } from './curves.js';

export async function curvesSvg(title: string, history: readonly EpochLogs[]): Promise<string> {
  const view = new View(parse(compile(curvesSpec(title, curvePoints(history))).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
