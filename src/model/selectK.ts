/**
 * The rule that chooses k from each k's criteria, and the sentence that says why.
 */
import { OptionsError } from '../util/errors';
import type { KCriteria } from './criteria';

/**
 * How k is chosen from the sweep:
 * - 'stable-silhouette' (default): among the ks whose every segment holds at least `minSegmentShare` of the customers
 *   and whose stability is at least STABILITY_MIN, the highest silhouette; silhouettes within SILHOUETTE_TIE of
 *   each other count as a tie, which goes to the smaller k. When no k passes both tests, the share test alone;
 *   when none passes it either, the highest silhouette (the reason says so).
 * - 'silhouette': the highest silhouette alone (ties to the smaller k).
 */
export type KRule = 'stable-silhouette' | 'silhouette';
export const K_RULES: readonly KRule[] = ['stable-silhouette', 'silhouette'];

/** Stability (mean adjusted Rand index of refits on subsamples) from which a k counts as stable. */
export const STABILITY_MIN = 0.8;
/** Default smallest segment share, as a fraction of customers (`--min-segment-share`). */
export const DEFAULT_MIN_SEGMENT_SHARE = 0.02;
/** Silhouettes closer than this are a tie, which goes to the simpler model (the smaller k). */
export const SILHOUETTE_TIE = 1e-3;

/** Options of {@link chooseK}. */
export interface KRuleOptions {
  /** The rule. Default 'stable-silhouette'. */
  rule?: KRule;
  /** Smallest share of customers every segment must hold, in [0, 1). Default 0.02. */
  minSegmentShare?: number;
}

/** Checks the k-rule options (the CLI and API boundary) and applies the defaults. */
export function checkKRuleOptions(options: KRuleOptions): Required<KRuleOptions> {
  const { rule = 'stable-silhouette', minSegmentShare = DEFAULT_MIN_SEGMENT_SHARE } = options;
  if (!K_RULES.includes(rule)) throw new OptionsError(`k rule "${String(rule)}" is not known; use one of ${K_RULES.join(', ')} (--k-rule)`, 'kRule');
  if (typeof minSegmentShare !== 'number' || !(minSegmentShare >= 0 && minSegmentShare < 1))
    throw new OptionsError(`min segment share ${String(minSegmentShare)} should be a fraction in [0, 1), e.g. 0.02 for 2% (--min-segment-share)`, 'minSegmentShare');
  return { rule, minSegmentShare };
}

/** The chosen k, the sentence that says why, and warnings about the choice. */
export interface KChoice {
  selected: number;
  reason: string;
  warnings: string[];
}

const pct = (x: number) => `${+(100 * x).toFixed(1)}%`;
const sil = (x: number | null) => (x === null ? 'n/a' : x.toFixed(4));

/** Highest silhouette in `ks` (ties within SILHOUETTE_TIE to the smaller k); null when none has one. */
function bestSilhouette(ks: readonly number[], criteria: Readonly<Record<string, KCriteria>>): number | null {
  const scored = ks.filter((k) => criteria[String(k)].silhouette !== null).sort((a, b) => a - b);
  if (scored.length === 0) return null;
  const top = Math.max(...scored.map((k) => criteria[String(k)].silhouette as number));
  return scored.find((k) => (criteria[String(k)].silhouette as number) >= top - SILHOUETTE_TIE) ?? null;
}

/**
 * Applies the k rule (see {@link KRule}) to the criteria of each k of a sweep over `ks`.
 * @param criteria per k (keys are k as decimal strings)
 * @returns null when no k has a silhouette
 * @example chooseK([2, 3, 4], criteria).reason
 * // "k=3: highest silhouette (0.4100) among ks whose segments all hold >= 2% of customers and whose stability is >= 0.8; k=2 scores higher (0.4500) but its smallest segment holds 0.5%"
 */
export function chooseK(ks: readonly number[], criteria: Readonly<Record<string, KCriteria>>, options: KRuleOptions = {}): KChoice | null {
  const { rule, minSegmentShare } = checkKRuleOptions(options);
  const c = (k: number) => criteria[String(k)];
  const overall = bestSilhouette(ks, criteria);
  if (overall === null) return null;
  const range = `k=${ks[0]}..${ks[ks.length - 1]}`;
  if (rule === 'silhouette') {
    return { selected: overall, reason: `k=${overall}: highest silhouette (${sil(c(overall).silhouette)}) over ${range} (--k-rule silhouette)`, warnings: edgeWarnings(ks, overall) };
  }
  const warnings: string[] = [];
  const shareOk = (k: number) => c(k).minShare >= minSegmentShare;
  const stable = (k: number) => c(k).stability >= STABILITY_MIN;
  const tests = `whose segments all hold >= ${pct(minSegmentShare)} of customers and whose stability is >= ${STABILITY_MIN}`;
  let selected = bestSilhouette(ks.filter((k) => shareOk(k) && stable(k)), criteria);
  let reason: string;
  if (selected !== null) {
    reason =
      selected === overall
        ? `k=${selected}: highest silhouette (${sil(c(selected).silhouette)}) over ${range}; its smallest segment holds ${pct(c(selected).minShare)} of customers (>= ${pct(minSegmentShare)}) and its stability is ${c(selected).stability.toFixed(2)} (>= ${STABILITY_MIN})`
        : `k=${selected}: highest silhouette (${sil(c(selected).silhouette)}) among ks ${tests}`;
  } else if ((selected = bestSilhouette(ks.filter(shareOk), criteria)) !== null) {
    reason = `k=${selected}: highest silhouette (${sil(c(selected).silhouette)}) among ks whose segments all hold >= ${pct(minSegmentShare)} of customers; no k over ${range} reaches stability ${STABILITY_MIN} (k=${selected}: ${c(selected).stability.toFixed(2)})`;
    warnings.push(`No k over ${range} is stable (stability >= ${STABILITY_MIN}): the segments change with the sample; treat them as a rough grouping`);
  } else {
    selected = overall;
    reason = `k=${selected}: highest silhouette (${sil(c(selected).silhouette)}) over ${range}; no k gives every segment >= ${pct(minSegmentShare)} of customers (k=${selected}: smallest ${pct(c(selected).minShare)})`;
    warnings.push(`Every k over ${range} has a segment under ${pct(minSegmentShare)} of customers (k=${selected}: ${pct(c(selected).minShare)}): look for outliers or a skewed column (see the skew warnings), or lower --min-segment-share`);
  }
  if (selected !== overall) {
    const why = [
      !shareOk(overall) ? `its smallest segment holds ${pct(c(overall).minShare)}` : null,
      !stable(overall) ? `its stability is ${c(overall).stability.toFixed(2)}` : null,
    ].filter((x) => x !== null);
    reason += `; k=${overall} scores higher (${sil(c(overall).silhouette)}) but ${why.join(' and ')}`;
  }
  return { selected, reason, warnings: [...edgeWarnings(ks, selected), ...warnings] };
}

/** A warning when the chosen k is the first or last of a sweep of 3 or more ks. */
function edgeWarnings(ks: readonly number[], selected: number): string[] {
  if (ks.length < 3) return [];
  const [low, high] = [ks[0], ks[ks.length - 1]];
  if (selected === high)
    return [`k=${selected} is at the upper edge of the range k=${low}..${high}: a larger k may score higher; raise --k-max to check`];
  if (selected === low)
    return [
      low > 2
        ? `k=${selected} is at the lower edge of the range k=${low}..${high}: a smaller k may score higher; lower --k-min to check`
        : `k=${selected} is at the lower edge of the range k=${low}..${high}: the data split best in two, which often means no clear segments; compare the criteria per k before relying on it`,
    ];
  return [];
}
