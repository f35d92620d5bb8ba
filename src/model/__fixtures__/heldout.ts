/**
 * Test helper: the held-out tables of heldout.json (scripts/fixtures/make_heldout_fixture.py) as standardized
 * matrices, with scikit-learn's best inertia of 30 restarts per k. Generated tables are made again here with the
 * example generator and checked against the CSV's sha256, so a changed generator fails loudly instead of comparing
 * against another table's inertia.
 */
import { createHash } from 'crypto';
import { readFileSync } from 'fs';
import * as path from 'path';
import type { Matrix } from '../../util/matrix';
import { exampleTableCsv } from '../../data/examples';
import { standardized } from './load';

interface HeldoutTableFixture {
  command: string;
  features: string[];
  rows: number;
  csv_sha256: string;
  /** scikit-learn's best inertia of 30 restarts, keyed by k. */
  inertia: Record<string, number>;
  example?: { kind: 'retail' | 'wide'; rows: number; seed: number };
  raw?: number[][];
}

interface HeldoutFixture {
  generatedBy: string;
  method: string;
  tables: Record<string, HeldoutTableFixture>;
}

export interface HeldoutTable {
  name: string;
  command: string;
  /** Standardized numeric features (population std), shape [rows, features]. */
  X: Matrix;
  inertia: Record<string, number>;
}

export const heldoutFixture = JSON.parse(readFileSync(path.join(__dirname, 'heldout.json'), 'utf8')) as HeldoutFixture;

/** The raw feature rows of one table: stored, or generated again (sha256-checked). */
function rawRows(name: string, table: HeldoutTableFixture): number[][] {
  if (table.raw !== undefined) return table.raw;
  if (table.example === undefined) throw new Error(`held-out table ${name} has neither raw rows nor an example generator`);
  const csv = exampleTableCsv(table.example);
  const digest = createHash('sha256').update(csv).digest('hex');
  if (digest !== table.csv_sha256) {
    throw new Error(`held-out table ${name}: the generator's CSV changed (sha256 ${digest}); rerun /usr/bin/python3 scripts/fixtures/make_heldout_fixture.py`);
  }
  const lines = csv.trimEnd().split('\n');
  const header = lines[0].split(',');
  const at = table.features.map((f) => header.indexOf(f));
  return lines.slice(1).map((line) => {
    const cells = line.split(',');
    return at.map((i) => Number(cells[i]));
  });
}

/** One held-out table, standardized. */
export function heldoutTable(name: string): HeldoutTable {
  const table = heldoutFixture.tables[name];
  if (table === undefined) throw new Error(`no held-out table ${name} (have ${Object.keys(heldoutFixture.tables).join(', ')})`);
  const raw = rawRows(name, table);
  if (raw.length !== table.rows) throw new Error(`held-out table ${name}: ${raw.length} rows, fixture says ${table.rows}`);
  return { name, command: table.command, X: standardized(raw), inertia: table.inertia };
}
