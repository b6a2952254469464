/**
 * Loss and accuracy curves from fit's history, drawn with Vega-Lite: one panel per metric, train
 * and test as two lines. The same spec renders to an SVG file in Node (curves_svg.ts) and to a
 * live chart in the browser page.
 */
import type { EpochLogs } from '@nnet/train';
import type { TopLevelSpec } from 'vega-lite';

export interface CurvePoint {
  epoch: number;
  metric: string;
  split: 'train' | 'test';
  value: number;
}

/** The history as long-form rows: { epoch (1-based), metric, split, value } for loss and accuracy. */
export function curvePoints(history: readonly EpochLogs[]): CurvePoint[] {
  const points: CurvePoint[] = [];
  for (const logs of history) {
    for (const metric of ['loss', 'accuracy']) {
      if (Number.isFinite(logs[metric]))
        points.push({ epoch: logs.epoch + 1, metric, split: 'train', value: logs[metric] });
      if (Number.isFinite(logs[`val_${metric}`]))
        points.push({ epoch: logs.epoch + 1, metric, split: 'test', value: logs[`val_${metric}`] });
    }
  }
  return points;
}

/**
 * A Vega-Lite spec of the curves; `values` is left empty when the data comes in later (live).
 * After a single epoch there is one point per series and no line: the x axis then spans the
 * epochs on either side, and a subtitle says so, instead of a one-tick axis at `1.000000`.
 */
export function curvesSpec(title: string, points: CurvePoint[] = []): TopLevelSpec {
  const epochs = [...new Set(points.map((p) => p.epoch))];
  const single = epochs.length === 1;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: single
      ? { text: title, subtitle: `one epoch: a point per series (curves need two or more)` }
      : title,
    data: { name: 'points', values: points },
    facet: { column: { field: 'metric', type: 'nominal', title: null, sort: ['loss', 'accuracy'] } },
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: 320,
      height: 220,
      mark: { type: 'line', point: true },
      encoding: {
        x: {
          field: 'epoch',
          type: 'quantitative',
          title: 'epoch',
          axis: { tickMinStep: 1, format: 'd' },
          ...(single ? { scale: { domain: [epochs[0] - 1, epochs[0] + 1] } } : {}),
        },
        y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } },
        color: { field: 'split', type: 'nominal', title: null, sort: ['train', 'test'] },
      },
    },
  };
}
