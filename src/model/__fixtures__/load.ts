/**
 * Test helper: loads the scikit-learn fixtures written by scripts/fixtures/make_sklearn_fixtures.py and
 * standardizes their raw features with the population std, like StandardScaler.
 */
import { readFileSync } from 'fs';
import * as path from 'path';
import type { Matrix } from '../../util/matrix';

export interface SklearnFixture {
  source: string;
  generatedBy: string;
  features: string[];
  raw: number[][];
  sweep: Record<string, { inertia: number; labels: string; silhouette: number }>;
  samples?: { k: number; values: number[] };
}

export function loadFixture(name: 'mall' | 'synthetic2000'): SklearnFixture {
  return JSON.parse(readFileSync(path.join(__dirname, `${name}.json`), 'utf8')) as SklearnFixture;
}

/** Standardized features (population std), shape [rows, 3]. */
export function standardized(raw: number[][]): Matrix {
  const rows = raw.length;
  const cols = raw[0].length;
  const data = new Float64Array(rows * cols);
  for (let f = 0; f < cols; f++) {
    let mean = 0;
    for (const row of raw) mean += row[f];
    mean /= rows;
    let variance = 0;
    for (const row of raw) variance += (row[f] - mean) ** 2;
    const std = Math.sqrt(variance / rows);
    raw.forEach((row, i) => {
      data[i * cols + f] = (row[f] - mean) / std;
    });
  }
  return { rows, cols, data };
}

/** The labels stored as a string of digits (k <= 10). */
export function fixtureLabels(digits: string): Int32Array {
  return Int32Array.from(digits, (c) => Number(c));
}
