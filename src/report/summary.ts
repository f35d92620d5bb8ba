import { categoricalColumns, field, numericColumns, numericFeatures } from '../data/schema';
import { skewness } from '../features/transform';
import type { Preprocessed, Segmentation } from '../segmentation/pipeline';
import { transactionsText, type TransactionsSummary } from './transactions';
import type { Summary } from './types';

/** Outlier ids listed per column in summary.json (`count` has them all): keeps the summary small for large tables. */
export const SUMMARY_MAX_OUTLIER_IDS = 1000;


/** Inputs of {@link buildSummary}: the run's results plus facts only the caller knows. */
export interface SummaryInput {
  prep: Preprocessed;
  seg: Segmentation;
  data: Summary['data'];
  backend: Summary['backend'];
  seed: number;
  /** The fixed k, when one was given. */
  fixedK: number | null;
  timings: Record<string, number>;
  outputs: string[];
  /** Extra warnings from the caller (e.g. synthetic data was used). */
  warnings?: string[];
  /** Transactions runs: the orders and RFM block. Default: none. */
  transactions?: TransactionsSummary;
  generatedAt?: string;
}

/** Assembles reports/summary.json. Pure: same input, same object (generatedAt aside). */
export function buildSummary(input: SummaryInput): Summary {
  const { prep, seg, fixedK } = input;
  const selected = seg.sweep.selected;
  const { schema } = prep.data;
  const ORIGINAL_K = schema.referenceK ?? null;
  const warnings = [...(input.warnings ?? []), ...prep.cleaning.warnings, ...seg.warnings];
  if (fixedK === null && ORIGINAL_K !== null && selected !== ORIGINAL_K)
    warnings.push(
      `The data selects k=${selected} by silhouette; the original project reported k=${ORIGINAL_K}` +
        (seg.sweep.silhouette[String(ORIGINAL_K)] != null
          ? ` (silhouette ${fmt(seg.sweep.silhouette[String(ORIGINAL_K)]!, 4)} at k=${ORIGINAL_K} vs ${fmt(seg.sweep.silhouette[String(selected)]!, 4)} at k=${selected})`
          : ''),
    );
  const ks = seg.sweep.ks;
  return {
    format: 'customer-segmentation-summary',
    version: 1,
    generatedAt: input.generatedAt ?? new Date().toISOString(),
    data: input.data,
    rows: {
      read: prep.cleaning.rows.read,
      used: prep.cleaning.rows.used,
      dropped: prep.cleaning.rows.dropped,
      droppedBy: prep.cleaning.rows.droppedBy,
      repaired: prep.cleaning.rows.repaired,
      // Imputed cells per column (the --impute median policy); absent when none was imputed.
      ...(prep.cleaning.repairs.length > 0 ? { imputedBy: countBy(prep.cleaning.repairs.map((r) => r.column)) } : {}),
    },
    warnings,
    table: {
      schema: schema.name ?? 'custom',
      title: schema.title ?? null,
      id: schema.primaryKey ?? null,
      numeric: numericColumns(schema),
      categorical: categoricalColumns(schema),
    },
    features: prep.features,
    skew: Object.fromEntries(
      numericFeatures(schema).map((f) => [f, { skewness: skewness(prep.data.numeric[f]), transform: field(schema, f).transform ?? 'none' }] as const),
    ),
    k: {
      selected,
      rule: seg.sweep.rule,
      range: fixedK === null ? [ks[0], ks[ks.length - 1]] : null,
      fixed: fixedK,
      original: ORIGINAL_K,
      differsFromOriginal: ORIGINAL_K !== null && selected !== ORIGINAL_K,
      reason: seg.sweep.reason,
      criteria: seg.sweep.criteria,
    },
    kmeansMethod: seg.sweep.kmeansMethod,
    silhouette: seg.sweep.silhouette,
    silhouetteMethod: silhouetteMethod(seg, prep.cleaning.rows.used),
    inertia: seg.sweep.inertia,
    clusters: seg.profiles,
    outliers: prep.cleaning.outliers.map((o) => ({ ...o, ids: o.ids.slice(0, SUMMARY_MAX_OUTLIER_IDS) })),
    backend: input.backend,
    seed: input.seed,
    timings: input.timings,
    outputs: input.outputs,
    ...(input.transactions ? { transactions: input.transactions } : {}),
  };
}

function silhouetteMethod(seg: Segmentation, customers: number): Summary['silhouetteMethod'] {
  const rows = seg.sweep.silhouetteRows.length;
  if (rows === 0 || rows >= customers) return { sampled: null };
  return { sampled: { rows, of: customers, stdError: seg.sweep.silhouetteStdError } };
}

function fmt(x: number, digits: number): string {
  return x.toFixed(digits);
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

/** reports/summary.txt: the same facts as summary.json, for people. */
export function summaryText(s: Summary): string {
  const lines: string[] = [];
  lines.push('Customer segmentation: summary', '='.repeat(30), '');
  if (s.data.synthetic) lines.push('!!! SYNTHETIC DATA: no dataset was found, these results describe made-up customers. !!!', '');
  lines.push(`Data: ${s.data.path} (${s.data.hash})`);
  lines.push(`Table: ${s.table.title ?? s.table.schema}; id ${s.table.id ?? 'none (customers numbered by row)'}; categorical ${s.table.categorical.join(', ') || 'none'}`);
  lines.push(`Rows: ${s.rows.read} read, ${s.rows.used} used, ${s.rows.dropped} dropped, ${s.rows.repaired} repaired`);
  for (const [reason, n] of Object.entries(s.rows.droppedBy)) lines.push(`  dropped, ${reason}: ${n}`);
  for (const [column, n] of Object.entries(s.rows.imputedBy ?? {})) lines.push(`  imputed with the training median, ${column}: ${n}`);
  const named = (f: string) => (s.skew?.[f]?.transform === 'log1p' ? `log1p(${f})` : f);
  lines.push(`Features: ${s.features.map(named).join(', ')} (standardized)`);
  lines.push(`Backend: ${s.backend.name} (${s.backend.reason}); seed ${s.seed}`, '');
  lines.push(`Choosing k: ${s.k.rule}. Selected k = ${s.k.selected}.`);
  lines.push(`k-means: ${s.kmeansMethod}.`);
  const sampled = s.silhouetteMethod.sampled;
  if (sampled !== null) {
    const largest = Math.max(...Object.values(sampled.stdError).map((e) => e ?? 0));
    lines.push(
      `Silhouettes: each k's mean is over a seeded sample of ${sampled.rows} of ${sampled.of} customers (exact ones need ` +
        `n^2 distances), scored against each other as scikit-learn's silhouette_score(sample_size=...); standard error of each mean <= ${fmt(largest, 4)}.`,
    );
  }
  lines.push(`Why: ${s.k.reason}.`);
  lines.push('   k  silhouette      inertia  Calinski-Harabasz  Davies-Bouldin  smallest  stability');
  for (const k of Object.keys(s.inertia)) {
    const sil = s.silhouette[k];
    const c = s.k.criteria[k];
    const mark = Number(k) === s.k.selected ? '  <- selected' : '';
    const more = c
      ? `  ${fmt(c.calinskiHarabasz, 1).padStart(17)}  ${fmt(c.daviesBouldin, 4).padStart(14)}  ${`${fmt(100 * c.minShare, 1)}%`.padStart(8)}  ${fmt(c.stability, 3).padStart(9)}`
      : '';
    lines.push(`  ${k.padStart(2)}  ${sil == null ? '       n/a' : fmt(sil, 4).padStart(10)}  ${fmt(s.inertia[k], 2).padStart(11)}${more}${mark}`);
  }
  lines.push('', 'Segments');
  const numeric = s.table.numeric;
  const header = `  id  ${pad('label', 58)}  size  share   ${numeric.map((f) => pad(`mean ${shortName(f)}`, 12)).join(' ')}`;
  lines.push(header);
  for (const c of s.clusters) {
    const means = numeric.map((f) => pad(fmt(c.means[f], 1), 12)).join(' ');
    const mix = Object.entries(c.categories)
      .map(([col, shares]) => `${col}: ${Object.entries(shares).map(([v, x]) => `${v} ${(100 * x).toFixed(0)}%`).join(' ')}`)
      .join('; ');
    lines.push(`  ${String(c.id).padStart(2)}  ${pad(c.label, 58)}  ${String(c.size).padStart(4)}  ${(100 * c.share).toFixed(1).padStart(5)}%  ${means}${mix ? `  ${mix}` : ''}`);
  }
  if (s.outliers.some((o) => o.count > 0)) {
    lines.push('', 'Outliers (IQR rule, flagged only, data unchanged)');
    for (const o of s.outliers)
      if (o.count > 0) lines.push(`  ${o.feature}: ${o.count} outside [${fmt(o.lower, 1)}, ${fmt(o.upper, 1)}] (${s.table.id ?? 'row'} ${o.ids.slice(0, 20).join(', ')}${o.count > 20 ? `, ... ${o.count - 20} more` : ''})`);
  }
  if (s.transactions) lines.push(...transactionsText(s.transactions));
  lines.push('', 'Warnings');
  if (s.warnings.length === 0) lines.push('  none');
  for (const w of s.warnings) lines.push(`  - ${w}`);
  lines.push('', 'Timings (s)');
  for (const [phase, t] of Object.entries(s.timings)) lines.push(`  ${pad(phase, 22)} ${t.toFixed(3)}`);
  lines.push('', 'Outputs');
  for (const o of s.outputs) lines.push(`  ${o}`);
  lines.push('', `Generated ${s.generatedAt}`);
  return lines.join('\n') + '\n';
}

function shortName(f: string): string {
  const s = f.replace(/\s*\(.*\)\s*$/, '').toLowerCase();
  return s.length > 12 ? s.slice(0, 11) + '.' : s;
}

function countBy(keys: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of keys) out[k] = (out[k] ?? 0) + 1;
  return out;
}
