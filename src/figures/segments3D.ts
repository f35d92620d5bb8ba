/**
 * "Customer Segmentation 3D": three numeric features, or, for more clustering columns, the first three principal
 * components of the standardized clustering matrix.
 */
import type { Customers } from '../data/clean';
import { displayName, featureAxisTitle, numericColumns, numericFeatures } from '../data/schema';
import { featureColumns } from '../features/encode';
import { fitPca, projectPca } from '../features/pca';
import { OptionsError } from '../util/errors';
import type { Matrix } from '../util/matrix';
import { REFERENCE_COLOR, segmentColor } from './colors';
import {
  baseLayout,
  FIGURE_TITLES,
  hoverValue,
  round,
 
  segmentName,
  wrapText,
  type ComponentSummary,
  type PlotlyFigure,
} from './common';
import { separationScores } from './plotAxes';
import { CENTROID_NOTE, customerHover, plotValue, scatterLegendName, scatterRows, type ScatterOptions, type SegmentPoints } from './scatter';
import { centreOf } from './segments2D';

/** What the 3D scatter's axes are: three columns of the table, or three principal components. */
export type SceneAxes =
  | { kind: 'columns'; columns: [string, string, string] }
  | {
      kind: 'components';
      /** PC scores of every customer, one array per component, each length data.n. */
      scores: [Float64Array, Float64Array, Float64Array];
      /** Per component: share of variance and largest loadings. */
      components: ComponentSummary[];
      /** Number of clustering columns the PCA was fitted on. */
      columns: number;
    };

/** Options of {@link segments3DFigure}: the sample (ScatterOptions) and what the axes are. */
export interface Segments3DOptions extends ScatterOptions {
  /**
   * Standardized clustering matrix, shape [data.n, clustering columns] in `featureColumns(data)` order
   * (`Preprocessed.scaled`). Needed when the axes are principal components. Default: none.
   */
  scaled?: Matrix;
  /** Axes computed before by {@link sceneAxes} (reportFigures shares them with the page). Default: computed here. */
  axes?: SceneAxes;
}

/** Loadings listed per component. */
const TOP_LOADINGS = 3;

/** A clustering column's name for people: "Annual Income", or "Region=North" for a one-hot column. */
function clusteringColumnName(data: Customers, column: { source: string; kind: string; category?: string }): string {
  const name = displayName(data.schema, column.source);
  return column.kind === 'onehot' ? `${name}=${column.category}` : name;
}

/**
 * The 3D scatter's axes:
 * - the clustering features are exactly three numeric columns (Mall: Age, Annual Income, Spending Score): those, in
 *   feature order;
 * - more than three clustering columns (numeric features and one-hot categories): the first three principal
 *   components of `scaled`, signs fixed so that each component's largest loading is positive;
 * - fewer: three numeric columns, the numeric features first, then the other numeric columns that best separate the
 *   segments (see separationScores).
 * @throws OptionsError when PCs are needed and `scaled` is absent or does not match the data, or when fewer than
 *   three columns are available.
 */
export function sceneAxes(data: Customers, labels: ArrayLike<number>, scaled?: Matrix): SceneAxes {
  const axes = sceneAxesIfAny(data, labels, scaled);
  if (axes === null) {
    throw new OptionsError(
      `segments3DFigure: the 3D chart needs three numeric columns or more than three clustering columns; the table has ${numericColumns(data.schema).length} numeric (${numericColumns(data.schema).join(', ') || 'none'}) and ${featureColumns(data).length} clustering columns`,
      'features',
    );
  }
  return axes;
}

/** {@link sceneAxes}, or null when the table has neither three numeric columns nor more than three clustering columns. */
export function sceneAxesIfAny(data: Customers, labels: ArrayLike<number>, scaled?: Matrix): SceneAxes | null {
  const { schema } = data;
  const features = numericFeatures(schema);
  const encoding = featureColumns(data);
  if (encoding.length === 3 && features.length === 3) return { kind: 'columns', columns: [features[0]!, features[1]!, features[2]!] };
  if (encoding.length > 3) {
    if (scaled === undefined) {
      throw new OptionsError(
        `segments3DFigure: the table has ${encoding.length} clustering columns, drawn as principal components; pass options.scaled (the standardized clustering matrix, Preprocessed.scaled)`,
        'scaled',
      );
    }
    if (scaled.rows !== data.n || scaled.cols !== encoding.length) {
      throw new OptionsError(
        `segments3DFigure: scaled has shape [${scaled.rows}, ${scaled.cols}] but the data has ${data.n} customers and ${encoding.length} clustering columns; pass the matrix of the same preprocessing`,
        'scaled',
      );
    }
    const pca = fitPca(scaled, { nComponents: 3, sign: 'components' });
    const projected = projectPca(pca, scaled);
    const scores = [0, 1, 2].map((j) => Float64Array.from({ length: projected.rows }, (_, i) => projected.data[i * 3 + j]!));
    const components = pca.components.map((loadings, j): ComponentSummary => ({
      name: `PC${j + 1}`,
      explainedVarianceRatio: pca.explainedVarianceRatio[j]!,
      top: loadings
        .map((loading, c) => ({ column: clusteringColumnName(data, encoding[c]!), loading, c }))
        .sort((a, b) => Math.abs(b.loading) - Math.abs(a.loading) || a.c - b.c)
        .slice(0, TOP_LOADINGS)
        .map(({ column, loading }) => ({ column, loading: round(loading, 3) })),
    }));
    return { kind: 'components', scores: scores as [Float64Array, Float64Array, Float64Array], components, columns: encoding.length };
  }
  const others = numericColumns(schema).filter((c) => !features.includes(c));
  const scores = separationScores(data, labels, others);
  const ranked = others.map((c, i) => ({ c, i })).sort((a, b) => scores[b.c]! - scores[a.c]! || a.i - b.i).map((e) => e.c);
  const columns = [...features, ...ranked].slice(0, 3);
  if (columns.length < 3) return null;
  return { kind: 'columns', columns: columns as [string, string, string] };
}

/** "PC1 (41% of variance)". */
function componentTitle(c: ComponentSummary): string {
  return `${c.name} (${Math.round(c.explainedVarianceRatio * 100)}% of variance)`;
}

/** "+0.52 Annual Income, -0.40 Age" (a true minus sign). */
export function loadingsText(c: ComponentSummary): string {
  return c.top.map((t) => `${t.loading < 0 ? '−' : '+'}${Math.abs(t.loading).toFixed(2)} ${t.column}`).join(', ');
}

/**
 * "Customer Segmentation 3D" as a WebGL scatter3d, one colour per segment, segment centres as diamonds. The axes
 * are three numeric columns or the first three principal components (see {@link sceneAxes}); with components, axis
 * titles give each one's share of variance ("PC1 (41% of variance)") and a note beside the legend lists the largest
 * loadings of each. Above `options.maxPoints` customers only a seeded, segment-stratified sample is drawn.
 * Mall: Age, Annual Income and Spending Score.
 * @example segments3DFigure(points, { scaled: prep.scaled, maxPoints: 10_000, seed: 0 })
 * @throws OptionsError when labels and customers differ in length, a label has no profile, an option is invalid, or
 *   the axes cannot be made (see sceneAxes).
 */
export function segments3DFigure(points: SegmentPoints, options: Segments3DOptions = {}): PlotlyFigure {
  const { profiles, rows, customersText } = scatterRows('segments3DFigure', points, options);
  const { data } = points;
  const { schema } = data;
  const axes = options.axes ?? sceneAxes(data, points.labels, options.scaled);
  const byColumns = axes.kind === 'columns';
  const coords = byColumns ? axes.columns.map((c) => data.numeric[c]!) : axes.scores;
  const hover = customerHover(data, byColumns ? axes.columns : []);
  const value = (d: number, i: number) => (byColumns ? plotValue(coords[d]![i]!) : round(coords[d]![i]!, 4));
  const names = byColumns ? axes.columns : axes.components.map((c) => c.name);
  const letters = ['x', 'y', 'z'] as const;
  const lines = (format: string) =>
    letters.map((l, d) => (byColumns ? hoverValue(schema, names[d]!, `%{${l}${format}}`) : `${names[d]} %{${l}:.2f}`)).join('<br>');
  // Centres: cluster centres (raw units) for columns; in PC space the segment means of the scores of all customers
  // (the centre projected, as PCA is linear).
  const pcCentres = new Map<number, { n: number; sum: [number, number, number] }>();
  if (!byColumns) {
    for (let i = 0; i < data.n; i++) {
      const c = pcCentres.get(points.labels[i]!) ?? { n: 0, sum: [0, 0, 0] };
      c.n += 1;
      for (let d = 0; d < 3; d++) c.sum[d] += coords[d]![i]!;
      pcCentres.set(points.labels[i]!, c);
    }
  }
  const centre = (profile: (typeof profiles)[number], d: number): number =>
    byColumns ? centreOf(profile, names[d]!) : pcCentres.get(profile.id)!.sum[d]! / pcCentres.get(profile.id)!.n;
  const traces: Record<string, unknown>[] = profiles.map((profile) => {
    const members = rows.get(profile.id) ?? [];
    return {
      type: 'scatter3d',
      mode: 'markers',
      name: scatterLegendName(profile),
      legendgroup: `segment-${profile.id}`,
      x: members.map((i) => value(0, i)),
      y: members.map((i) => value(1, i)),
      z: members.map((i) => value(2, i)),
      customdata: hover.customdata(members),
      marker: { color: segmentColor(profile.id), size: 5, opacity: 0.9, line: { color: '#ffffff', width: 0.5 } },
      hovertemplate: `${hover.header}<br>${lines('')}<extra>${segmentName(profile)}</extra>`,
    };
  });
  const present = profiles.filter((p) => byColumns || pcCentres.has(p.id));
  traces.push({
    type: 'scatter3d',
    mode: 'markers',
    name: 'Segment centres',
    x: present.map((p) => round(centre(p, 0), 3)),
    y: present.map((p) => round(centre(p, 1), 3)),
    z: present.map((p) => round(centre(p, 2), 3)),
    text: present.map((p) => segmentName(p)),
    marker: { color: present.map((p) => segmentColor(p.id)), size: 12, symbol: 'diamond', line: { color: REFERENCE_COLOR, width: 2 } },
    hovertemplate: `%{text} centre<br>${lines(':.1f')}<extra></extra>`,
  });
  const sceneAxis = (title: string): Record<string, unknown> => ({
    title: { text: title, font: { size: 14 } },
    backgroundcolor: '#f7f7f7',
    showbackground: true,
    gridcolor: '#d9d9d9',
    zeroline: false,
  });
  const titles = byColumns ? axes.columns.map((c) => featureAxisTitle(schema, c)) : axes.components.map(componentTitle);
  const what = byColumns
    ? `${displayName(schema, axes.columns[0])}, ${displayName(schema, axes.columns[1])} and ${displayName(schema, axes.columns[2])}`
    : `First three principal components of the ${axes.columns} standardized clustering columns (${Math.round(
        axes.components.reduce((s, c) => s + c.explainedVarianceRatio, 0) * 100,
      )}% of variance)`;
  const annotations = byColumns
    ? []
    : [
        {
          xref: 'paper',
          yref: 'paper',
          x: 0.64,
          y: 0,
          xanchor: 'left',
          yanchor: 'bottom',
          align: 'left',
          showarrow: false,
          font: { size: 12, color: '#333333' },
          text: `<b>Largest loadings</b> (weights of the standardized columns)<br>${axes.components
            .map((c) => wrapText(`<b>${c.name}</b>: ${loadingsText(c)}`, 62))
            .join('<br>')}`,
        },
      ];
  return {
    data: traces,
    layout: baseLayout(FIGURE_TITLES.segments3D, `${what}, ${profiles.length} segments, ${customersText}; diamonds: segment centres`, {
      scene: {
        xaxis: sceneAxis(titles[0]!),
        yaxis: sceneAxis(titles[1]!),
        zaxis: sceneAxis(titles[2]!),
        aspectmode: 'cube',
        camera: { eye: { x: 1.55, y: -1.55, z: 0.85 } },
        domain: { x: [0, 0.62], y: [0, 1] },
      },
      legend: { x: 0.64, y: 0.95, xanchor: 'left', yanchor: 'top', itemsizing: 'constant', title: { text: 'Segments' } },
      margin: { l: 10, r: 10, t: 110, b: 10 },
      ...(annotations.length ? { annotations } : {}),
      meta: { note: byColumns ? CENTROID_NOTE : 'Centres: segment means of the principal-component scores' },
    }),
  };
}
