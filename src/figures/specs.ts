/**
 * Plotly figure specs: pure functions, data in, Plotly JSON out. Every chart of the project is defined once, one
 * module per figure (modelSelection.ts, silhouette.ts, profiles.ts, segments2D.ts, segments3D.ts); this module
 * gathers their public names and builds the report's set. The report script, the report page, the notebooks and the
 * API call these and only render the result (html.ts, render.ts, ../report/page.ts, ../notebook/display.ts).
 */
import type { Matrix } from '../util/matrix';
import type { KSweep } from '../model/types';
import { FIGURE_TITLES, figureFileName, type NamedFigure, type PlotlyFigure } from './common';
import { modelSelectionFigure } from './modelSelection';
import type { PlotChoice } from './plotAxes';
import { profilesFigure } from './profiles';
import type { ScatterOptions, SegmentPoints } from './scatter';
import { segments2DFigure } from './segments2D';
import { sceneAxesIfAny, segments3DFigure } from './segments3D';
import { silhouetteFigure } from './silhouette';

export {
  FIGURE_TITLES,
  figureFileName,
  formatValue,
  segmentLegendName,
  segmentName,
  type ComponentSummary,
  type NamedFigure,
  type PlotlyFigure,
} from './common';
export { modelSelectionFigure } from './modelSelection';
export { choosePlotColumns, separationScores, type PlotChoice, type PlotColumns } from './plotAxes';
export { gridColumns, panelGrid, profilesFigure, type ProfilesInput } from './profiles';
export type { ScatterOptions, SegmentPoints } from './scatter';
export { centreOf, segments2DFigure, type Segments2DOptions } from './segments2D';
export { loadingsText, sceneAxes, sceneAxesIfAny, segments3DFigure, type SceneAxes, type Segments3DOptions } from './segments3D';
export { silhouetteFigure } from './silhouette';

/** Input of {@link reportFigures}. */
export interface ReportFiguresInput {
  sweep: Pick<KSweep, 'ks' | 'silhouette' | 'inertia' | 'selected'>;
  /** Customers (column-wise, with their schema), their segment and the segments' profiles. */
  points: SegmentPoints;
  /**
   * Standardized clustering matrix, shape [points.data.n, clustering columns] (Preprocessed.scaled). Needed when the
   * 3D chart shows principal components (more than three clustering columns). Default: none.
   */
  scaled?: Matrix;
  /** Columns of the 2D chart (`--plot-x`, `--plot-y`). Default: the schema's `plot`, else the best-separating features. */
  plot?: PlotChoice;
  /**
   * Per-customer silhouette for the selected k, length nSamples: one per customer of `points` in the same order, or,
   * with `silhouetteLabels`, one per customer of a sample of them.
   */
  silhouetteSamples: ArrayLike<number>;
  /**
   * Segment id of each customer in `silhouetteSamples`, length nSamples. Default `points.labels`. When given, the
   * silhouette subtitle says the samples are a random nSamples of points.data.n customers (unless the two are equal).
   */
  silhouetteLabels?: ArrayLike<number>;
  /** Population mean of every numeric column, raw units (Segmentation.population). */
  population: Record<string, number>;
  /** Options of both segmentation scatters (maxPoints default 10_000, seed default 0). */
  scatter?: ScatterOptions;
}

/**
 * The report's five charts, in page order: model selection, silhouette, segment profiles, 2D and 3D segmentation
 * (the 3D chart is left out for a table with neither three numeric columns nor more than three clustering columns).
 * When the 3D chart shows principal components, its NamedFigure carries `components` (share of variance and
 * largest loadings of each) for the page.
 * @example reportFigures({ sweep, points: { data, labels, profiles }, scaled, silhouetteSamples, population })
 * @throws OptionsError from the figures (e.g. a plot column that is not a numeric column of the table).
 */
export function reportFigures(input: ReportFiguresInput): NamedFigure[] {
  const { sweep, points, scaled, plot, silhouetteSamples, silhouetteLabels, population, scatter = {} } = input;
  const named = (id: string, title: string, figure: PlotlyFigure): NamedFigure => ({ id, name: figureFileName(title), title, figure });
  const silhouette =
    silhouetteLabels === undefined
      ? { samples: silhouetteSamples, labels: points.labels, profiles: points.profiles }
      : { samples: silhouetteSamples, labels: silhouetteLabels, profiles: points.profiles, totalCustomers: points.data.n };
  const axes = sceneAxesIfAny(points.data, points.labels, scaled);
  const figures = [
    named('model-selection', FIGURE_TITLES.modelSelection, modelSelectionFigure(sweep)),
    named('silhouette', FIGURE_TITLES.silhouette, silhouetteFigure(silhouette)),
    named('profiles', FIGURE_TITLES.profiles, profilesFigure({ schema: points.data.schema, profiles: points.profiles, population })),
    named('segments-2d', FIGURE_TITLES.segments2D, segments2DFigure(points, { ...scatter, plot })),
  ];
  if (axes === null) return figures;
  const segments3D = named('segments-3d', FIGURE_TITLES.segments3D, segments3DFigure(points, { ...scatter, axes }));
  return [...figures, axes.kind === 'components' ? { ...segments3D, components: axes.components } : segments3D];
}
