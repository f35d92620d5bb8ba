/**
 * Static 2D projection of a Plotly 3D scatter: draws a `scatter3d` figure as SVG `scatter` traces, shapes and
 * annotations seen through the same camera, so a PNG of it needs neither WebGL nor the gl3d bundle.
 * The interactive HTML keeps the real scatter3d; this is for still images only.
 */
import { OptionsError } from '../util/errors';
import { makeCamera, type Vec3 } from './camera';
import type { PlotlyFigure } from './specs';

/** Options of {@link projectScene}. */
export interface ProjectSceneOptions {
  /** Camera eye, Plotly units (overrides `scene.camera.eye`). Default: `scene.camera.eye`, else {x:1.25,y:1.25,z:1.25}. */
  eye?: Vec3;
  /**
   * Marker size factor from scatter3d px to 2D scatter px: WebGL markers look larger than SVG ones of the same
   * `size`. Default 1.8.
   */
  markerScale?: number;
}

type Trace = Record<string, unknown>;
type Obj = Record<string, unknown>;

const DEFAULT_EYE: Vec3 = { x: 1.25, y: 1.25, z: 1.25 };
const AXES = ['x', 'y', 'z'] as const;
type AxisName = (typeof AXES)[number];
const HALF = 0.5;
/** Pixels between a cube edge and its tick labels. */
const TICK_GAP = 10;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: unknown): Obj => (isObj(v) ? v : {});

/**
 * "Nice" tick values for [lo, hi]: a step of 1, 2 or 5 x 10^n giving about 5-7 ticks, every tick inside the range.
 * @example niceTicks(18, 70) // [20, 30, 40, 50, 60, 70]
 */
export function niceTicks(lo: number, hi: number, target = 6): number[] {
  const span = hi - lo;
  if (!(span > 0)) return [lo];
  const raw = span / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => span / s <= target + 1) ?? 10 * mag;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/** Data range of an axis: Plotly's gl3d autorange pads the data extent slightly; a fixed range is used as given. */
function axisRange(axis: Obj, values: number[]): [number, number] {
  const fixed = axis.range;
  if (Array.isArray(fixed) && fixed.length === 2 && fixed.every((v) => typeof v === 'number' && Number.isFinite(v)) && fixed[0] !== fixed[1]) {
    return [fixed[0] as number, fixed[1] as number];
  }
  if (values.length === 0) return [-1, 1];
  // A loop, not Math.min(...values): spreading ~10^5 values overflows the call stack.
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === hi) {
    lo -= 1;
    hi += 1;
  }
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}

function fail(message: string, option = 'figure'): never {
  throw new OptionsError(`projectScene: ${message}`, option);
}

function numbers(trace: Trace, key: AxisName, index: number): number[] {
  const values = trace[key];
  if (!Array.isArray(values)) fail(`trace ${index} has no ${key} array; scatter3d traces need x, y and z arrays`);
  return values.map((v) => (typeof v === 'number' ? v : Number.NaN));
}

/** Per-point value of a marker attribute that may be a scalar or an array. */
function perPoint<T>(value: unknown, i: number, fallback: T, ok: (v: unknown) => v is T): T {
  const v = Array.isArray(value) ? value[i] : value;
  return ok(v) ? v : fallback;
}
const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function checkFigure(figure: PlotlyFigure): void {
  if (!Array.isArray(figure.data) || figure.data.length === 0) fail('figure has no traces; pass a figure of scatter3d marker traces');
  figure.data.forEach((trace, i) => {
    if (trace.type !== 'scatter3d') {
      fail(`trace ${i} is type ${JSON.stringify(trace.type ?? 'scatter')}; only type 'scatter3d' with mode 'markers' is supported`);
    }
    if (trace.mode !== 'markers') {
      fail(`trace ${i} (scatter3d) has mode ${JSON.stringify(trace.mode)}; only mode 'markers' is supported`);
    }
    if (trace.scene !== undefined && trace.scene !== 'scene') fail(`trace ${i} is on ${JSON.stringify(trace.scene)}; only the one scene 'scene' is supported`);
    const color = obj(trace.marker).color;
    if (Array.isArray(color) && color.some((c) => typeof c !== 'string')) {
      fail(`trace ${i} has numeric marker.color (a colour scale); only colour strings are supported`);
    }
  });
}

const KEPT_LAYOUT_KEYS = ['title', 'font', 'paper_bgcolor', 'plot_bgcolor', 'legend', 'margin', 'meta', 'width', 'height', 'showlegend'] as const;

/**
 * Draws a 3D scatter figure (scatter3d marker traces on `layout.scene`) as a 2D SVG figure seen through the same
 * camera: perspective projection from `scene.camera.eye` towards the centre, z up, `aspectmode: 'cube'` (every
 * axis normalised to the same length). The three back panes are filled with each axis' `backgroundcolor` (when
 * `showbackground`), carry grid lines at the tick values (`gridcolor`), and tick labels and axis titles sit along
 * the cube's front-bottom edges as annotations. Points of all traces are drawn far to near in one trace (painter's
 * algorithm) with their own colour, size, symbol, line and opacity; one empty trace per input trace keeps the
 * legend (same name, legendgroup, colour and symbol, same order). Title, font, backgrounds, legend, margin, meta
 * and the annotations placed on the page (xref and yref 'paper') are kept from the input layout; the scene's `domain` becomes the domain of hidden, equal-scale 2D axes.
 * Axis ranges: `scene.{x,y,z}axis.range` when given, else the data extent padded by 5%; ticks are 1/2/5 x 10^n.
 * The result uses only `scatter` traces, so it renders with plotly's basic bundle. Pure: the input is not changed.
 * @param figure a figure whose traces are all `{ type: 'scatter3d', mode: 'markers' }` with x, y, z arrays
 * @throws OptionsError naming the trace index and type when a trace is not a scatter3d marker trace, a marker colour
 *   array holds numbers (colour scales are not supported), or the eye is at the centre.
 * @example
 * const png = await renderer.toPng(projectScene(segments3DFigure(points)));
 */
export function projectScene(figure: PlotlyFigure, options: ProjectSceneOptions = {}): PlotlyFigure {
  checkFigure(figure);
  const layout = obj(figure.layout);
  const scene = obj(layout.scene);
  const { eye = { ...DEFAULT_EYE, ...obj(obj(scene.camera).eye) } as Vec3, markerScale = 1.8 } = options;
  if (!(markerScale > 0)) fail(`markerScale must be > 0 (got ${markerScale})`, 'markerScale');
  const camera = makeCamera(eye);
  const traces = figure.data;

  const columns = traces.map((t, i) => ({ x: numbers(t, 'x', i), y: numbers(t, 'y', i), z: numbers(t, 'z', i) }));
  const axisSpec = { x: obj(scene.xaxis), y: obj(scene.yaxis), z: obj(scene.zaxis) };
  const ranges = {} as Record<AxisName, [number, number]>;
  const ticks = {} as Record<AxisName, number[]>;
  for (const a of AXES) {
    const values = columns.flatMap((c) => c[a].filter(Number.isFinite));
    ranges[a] = axisRange(axisSpec[a], values);
    const [lo, hi] = ranges[a];
    ticks[a] = niceTicks(Math.min(lo, hi), Math.max(lo, hi));
  }
  const norm = (a: AxisName, v: number): number => (v - ranges[a][0]) / (ranges[a][1] - ranges[a][0]) - HALF;
  const at = (p: Vec3): [number, number] => {
    const [sx, sy] = camera.project(p);
    return [sx, sy];
  };

  // Points of every trace, far first.
  interface Drawn {
    sx: number;
    sy: number;
    depth: number;
    color: string;
    size: number;
    symbol: string;
    opacity: number;
    lineColor: string;
    lineWidth: number;
  }
  const drawn: Drawn[] = [];
  traces.forEach((trace, t) => {
    const marker = obj(trace.marker);
    const line = obj(marker.line);
    const traceOpacity = isNumber(trace.opacity) ? trace.opacity : 1;
    const { x, y, z } = columns[t]!;
    for (let i = 0; i < x.length; i++) {
      if (![x[i], y[i], z[i]].every(Number.isFinite)) continue;
      const [sx, sy, depth] = camera.project({ x: norm('x', x[i]!), y: norm('y', y[i]!), z: norm('z', z[i]!) });
      drawn.push({
        sx,
        sy,
        depth,
        color: perPoint(marker.color, i, '#1f77b4', isString),
        size: perPoint(marker.size, i, 6, isNumber) * markerScale,
        symbol: perPoint(marker.symbol, i, 'circle', isString),
        opacity: perPoint(marker.opacity, i, 1, isNumber) * traceOpacity,
        lineColor: perPoint(line.color, i, '#444444', isString),
        lineWidth: perPoint(line.width, i, 0, isNumber),
      });
    }
  });
  drawn.sort((a, b) => b.depth - a.depth);

  const pointsTrace: Trace = {
    type: 'scatter',
    mode: 'markers',
    name: 'points',
    showlegend: false,
    hoverinfo: 'skip',
    x: drawn.map((d) => d.sx),
    y: drawn.map((d) => d.sy),
    marker: {
      color: drawn.map((d) => d.color),
      size: drawn.map((d) => d.size),
      symbol: drawn.map((d) => d.symbol),
      opacity: drawn.map((d) => d.opacity),
      line: { color: drawn.map((d) => d.lineColor), width: drawn.map((d) => d.lineWidth) },
    },
  };

  // Legend entries: nothing drawn (x: [null]), but Plotly still lists them, in trace order.
  const legendTraces: Trace[] = traces.map((trace) => {
    const marker = obj(trace.marker);
    const line = obj(marker.line);
    const first = <T>(v: unknown, fallback: T, ok: (v: unknown) => v is T): T => perPoint(v, 0, fallback, ok);
    return {
      type: 'scatter',
      mode: 'markers',
      name: trace.name,
      ...(trace.legendgroup === undefined ? {} : { legendgroup: trace.legendgroup }),
      showlegend: trace.showlegend ?? true,
      hoverinfo: 'skip',
      x: [null],
      y: [null],
      marker: {
        color: first(marker.color, '#1f77b4', isString),
        size: first(marker.size, 6, isNumber) * markerScale,
        symbol: first(marker.symbol, 'circle', isString),
        opacity: first(marker.opacity, 1, isNumber),
        line: { color: first(line.color, '#444444', isString), width: first(line.width, 0, isNumber) },
      },
    };
  });

  const { shapes, annotations } = sceneDecorations({ eye, at, axisSpec, ranges, ticks, norm, font: obj(layout.font) });

  const domain = obj(scene.domain);
  const domainX = Array.isArray(domain.x) ? domain.x : [0, 1];
  const domainY = Array.isArray(domain.y) ? domain.y : [0, 1];
  const hidden = { visible: false, showgrid: false, zeroline: false, fixedrange: true, range: [-1, 1] };
  const out: Obj = {};
  for (const key of KEPT_LAYOUT_KEYS) if (layout[key] !== undefined) out[key] = structuredClone(layout[key]);
  return {
    data: [pointsTrace, ...legendTraces],
    layout: {
      ...out,
      xaxis: { ...hidden, domain: [...domainX], scaleanchor: 'y', scaleratio: 1, constrain: 'range' },
      yaxis: { ...hidden, domain: [...domainY] },
      shapes,
      // the figure's own notes (e.g. PCA loadings) are placed on the page, not in the scene: kept as they are
      annotations: [...annotations, ...paperAnnotations(layout.annotations)],
      hovermode: false,
    },
  };
}

/** The layout annotations placed relative to the page (xref and yref 'paper'), copied. */
function paperAnnotations(annotations: unknown): Obj[] {
  if (!Array.isArray(annotations)) return [];
  return annotations.filter((a): a is Obj => isObj(a) && a.xref === 'paper' && a.yref === 'paper').map((a) => structuredClone(a));
}

interface DecorationInput {
  eye: Vec3;
  at: (p: Vec3) => [number, number];
  axisSpec: Record<AxisName, Obj>;
  ranges: Record<AxisName, [number, number]>;
  ticks: Record<AxisName, number[]>;
  norm: (a: AxisName, v: number) => number;
  font: Obj;
}

const vec = (entries: Partial<Record<AxisName, number>>): Vec3 => ({ x: 0, y: 0, z: 0, ...entries });

function pathOf(points: [number, number][], close: boolean): string {
  const body = points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${x.toFixed(5)},${y.toFixed(5)}`).join(' ');
  return close ? `${body} Z` : body;
}

function formatTick(v: number): string {
  return String(Number(v.toPrecision(10)));
}

/** Back panes, grids, tick labels and titles, as gl3d draws them. */
function sceneDecorations(input: DecorationInput): { shapes: Obj[]; annotations: Obj[] } {
  const { eye, at, axisSpec, ticks, norm, font } = input;
  const shapes: Obj[] = [];
  const annotations: Obj[] = [];
  // The pane of axis a faces the far side: at -0.5 when the eye is on the + side of a, else +0.5.
  const back = { x: eye.x >= 0 ? -HALF : HALF, y: eye.y >= 0 ? -HALF : HALF, z: eye.z >= 0 ? -HALF : HALF };
  const others = (a: AxisName): [AxisName, AxisName] => AXES.filter((b) => b !== a) as [AxisName, AxisName];

  for (const a of AXES) {
    const spec = axisSpec[a];
    const [b, c] = others(a);
    const corner = (u: number, v: number): [number, number] => at(vec({ [a]: back[a], [b]: u, [c]: v }));
    if (spec.showbackground === true) {
      const fill = typeof spec.backgroundcolor === 'string' ? spec.backgroundcolor : 'rgba(204,204,204,0.5)';
      shapes.push({
        type: 'path',
        xref: 'x',
        yref: 'y',
        layer: 'below',
        path: pathOf([corner(-HALF, -HALF), corner(HALF, -HALF), corner(HALF, HALF), corner(-HALF, HALF)], true),
        fillcolor: fill,
        line: { width: 0 },
      });
    }
  }
  for (const a of AXES) {
    const spec = axisSpec[a];
    if (spec.showgrid === false) continue;
    const gridColor = typeof spec.gridcolor === 'string' ? spec.gridcolor : 'rgb(204,204,204)';
    // Grid lines of axis a lie on the two back panes that contain the a direction.
    for (const pane of others(a)) {
      const [span] = others(a).filter((o) => o !== pane) as [AxisName];
      const lines = ticks[a].map((t) => {
        const u = norm(a, t);
        return pathOf([at(vec({ [a]: u, [pane]: back[pane], [span]: -HALF })), at(vec({ [a]: u, [pane]: back[pane], [span]: HALF }))], false);
      });
      if (lines.length === 0) continue;
      shapes.push({ type: 'path', xref: 'x', yref: 'y', layer: 'below', path: lines.join(' '), line: { color: gridColor, width: 1 } });
    }
  }

  const family = typeof font.family === 'string' ? font.family : undefined;
  const color = typeof font.color === 'string' ? font.color : '#444444';
  const centre = at(vec({}));
  for (const a of AXES) {
    const spec = axisSpec[a];
    const [b, c] = others(a);
    // The labelled edge: parallel to a, on the front side (towards the eye) for horizontal axes and at the bottom;
    // for z, the vertical silhouette edge on the left of the cube.
    let edge: Vec3;
    if (a === 'z') {
      const candidates = [-HALF, HALF].flatMap((u) => [-HALF, HALF].map((v) => vec({ x: u, y: v })));
      const silhouette = candidates.filter((p) => Math.sign(p.x) === Math.sign(back.x) !== (Math.sign(p.y) === Math.sign(back.y)));
      edge = silhouette.sort((p, q) => at(vec({ ...p, z: -HALF }))[0] - at(vec({ ...q, z: -HALF }))[0])[0]!;
    } else {
      edge = vec({ [b]: b === 'z' ? back.z : -back[b], [c]: c === 'z' ? back.z : -back[c] });
    }
    const p0 = at({ ...edge, [a]: -HALF });
    const p1 = at({ ...edge, [a]: HALF });
    const mid = at({ ...edge, [a]: 0 });
    // Outward on screen: away from the cube centre, perpendicular to the edge.
    const ex = p1[0] - p0[0];
    const ey = p1[1] - p0[1];
    const len = Math.hypot(ex, ey) || 1;
    let nx = -ey / len;
    let ny = ex / len;
    if (nx * (mid[0] - centre[0]) + ny * (mid[1] - centre[1]) < 0) {
      nx = -nx;
      ny = -ny;
    }
    const anchorX = nx > 0.35 ? 'left' : nx < -0.35 ? 'right' : 'center';
    const anchorY = ny > 0.35 ? 'bottom' : ny < -0.35 ? 'top' : 'middle';
    const tickSize = typeof obj(spec.tickfont).size === 'number' ? (obj(spec.tickfont).size as number) : typeof font.size === 'number' ? font.size : 12;
    for (const t of ticks[a]) {
      const [x, y] = at({ ...edge, [a]: norm(a, t) });
      annotations.push({
        x,
        y,
        xref: 'x',
        yref: 'y',
        text: formatTick(t),
        showarrow: false,
        xanchor: anchorX,
        yanchor: anchorY,
        xshift: nx * TICK_GAP,
        yshift: ny * TICK_GAP,
        font: { size: tickSize, color, ...(family ? { family } : {}) },
      });
    }
    const title = obj(spec.title);
    const text = typeof spec.title === 'string' ? spec.title : typeof title.text === 'string' ? title.text : '';
    if (text) {
      let angle = (-Math.atan2(ey, ex) * 180) / Math.PI;
      if (angle > 90) angle -= 180;
      if (angle <= -90) angle += 180;
      const titleFont = obj(title.font);
      const titleSize = typeof titleFont.size === 'number' ? titleFont.size : 14;
      // Clear the tick labels: their extent along the outward direction, approximating glyphs as 0.6 em wide.
      const widest = Math.max(0, ...ticks[a].map((t) => formatTick(t).length)) * 0.6 * tickSize;
      const titleShift = TICK_GAP + widest * Math.abs(nx) + tickSize * Math.abs(ny) + titleSize * 1.6;
      annotations.push({
        x: mid[0],
        y: mid[1],
        xref: 'x',
        yref: 'y',
        text,
        showarrow: false,
        textangle: angle,
        xanchor: 'center',
        yanchor: 'middle',
        xshift: nx * titleShift,
        yshift: ny * titleShift,
        font: { size: titleSize, color, ...(family ? { family } : {}) },
      });
    }
  }
  return { shapes, annotations };
}
