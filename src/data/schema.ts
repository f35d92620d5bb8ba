/**
 * The description of a customer table: which column is the id, which columns are clustered, which are profiled as
 * categories, and per column its display name, unit, valid range, transform and words. It is data (a JSON file or
 * flags), not code: the Mall table is one built-in schema (`schemas/mall.json`).
 *
 * The format follows Frictionless Table Schema (`fields`, `primaryKey`, `missingValues`, `constraints`), with the
 * segmentation's own choices beside it: top-level `features`, `categorical` and `plot`, and per field `title`,
 * `unit`, `transform`, `words`, `comparatives`, `aliases`, `apiName`.
 */
import { DataError, OptionsError } from '../util/errors';
import mallSchemaJson from './schemas/mall.json';

/** How a column's cells are read. */
export type FieldType = 'number' | 'integer' | 'string';

/** One column of the table. */
export interface SchemaField {
  /** Column name exactly as in the file's header (matched ignoring case and surrounding spaces). */
  name: string;
  /** 'number' / 'integer' (numeric features, numeric profile columns; an integer id) or 'string' (categories, ids). */
  type: FieldType;
  /** Display name in labels, charts and tables. Default: `name`. */
  title?: string;
  /** Unit shown after the title in axis titles, e.g. "k$" gives "Annual Income (k$)". Default: none. */
  unit?: string;
  /** Frictionless constraints. `minimum`/`maximum`: valid range, values outside it drop the row (default: none).
   * `required` (categories): a missing cell drops the row (default false: kept as "(missing)").
   * `enum` (categories): the only values accepted, compared ignoring case; others drop the row. */
  constraints?: { required?: boolean; minimum?: number; maximum?: number; enum?: string[] };
  /** Applied before standardization of a numeric feature: 'none' (default) or 'log1p' (skewed, money-like, >= 0). */
  transform?: 'none' | 'log1p';
  /** Label words for a segment mean clearly below, near, or clearly above the population mean (see profileSegments):
   * [low, average, high]. Default: "low/average/high <title>" ("recent/average recency/lapsed" for a recency column). */
  words?: [string, string, string];
  /** Comparative words for a slight or a large difference from the population ("slightly older", "much higher
   * income") and for telling segments apart: [lower, higher]. Default: "lower/higher <title>". */
  comparatives?: [string, string];
  /** Categories: other spellings (lower case) read as a value, e.g. {"f": "Female"}. */
  aliases?: Record<string, string>;
  /** A second field name the API accepts for this column (the Mall model's camelCase fields). Default: none. */
  apiName?: string;
  /** Upper bound the API applies to this column when `constraints.maximum` is absent (keeps distances finite). */
  apiMaximum?: number;
  /** A two-valued category: the value its share is reported by (e.g. "Yes" for churn). Default: the less frequent value. */
  positive?: string;
}

/** A customer table's description. */
export interface TableSchema {
  /** Short name, e.g. "mall". Default: "custom". */
  name?: string;
  /** Title for people. */
  title?: string;
  /** The id column; absent: customers are numbered by data row (1, 2, ...). */
  primaryKey?: string;
  /** Clustering features (2 or more): numeric fields, or categorical fields (one-hot encoded, see FeatureSpace). */
  features: string[];
  /** Categorical columns, profiled as shares per segment; clustered too only when also in `features`. */
  categorical?: string[];
  /** Cell texts read as missing (compared ignoring case), besides the empty cell. Default: MISSING_TOKENS. */
  missingValues?: string[];
  /** The k a reference analysis of this table reported (Mall: 4, the original Python project); the summary compares. */
  referenceK?: number;
  /** Default axes of the 2D chart. Default: the two features that best separate the segments. */
  plot?: { x: string; y: string };
  /** A missing number in a clustering feature: 'drop' the row (refused when scoring; default) or impute the training
   * 'median' (stored in the model, imputed by every entry point). */
  missing?: 'drop' | 'median';
  /** A category of a clustering feature not seen in training, when scoring: 'ignore' (default: all-zero one-hot, like
   * scikit-learn's handle_unknown='ignore', always flagged) or 'error' (the record is refused). */
  unknownCategory?: 'ignore' | 'error';
  /** Every column the run reads: the id, the features, the categorical columns, other numeric columns to profile. */
  fields: SchemaField[];
  /**
   * The file is an orders table to aggregate per customer first (`report --transactions`): its customer, date and
   * amount columns, optional order and quantity columns, as-of date and date format. Default: none (one row per customer).
   */
  transactions?: import('./transactions/spec').TransactionsSpec;
}


/** Cell texts read as missing when the schema names none (compared in lower case), besides the empty cell. */
export const MISSING_TOKENS: readonly string[] = ['na', 'n/a', 'nan', 'null', 'none', '-', '?'];

/** How a run chooses its schema: a schema (from a file) and flags, where a flag wins over the file. */
export interface SchemaChoice {
  /** A schema read from a JSON file (see {@link validateSchema}). Default: none. */
  schema?: TableSchema;
  /** Clustering features (`--features a,b,c`), names as in the header. Default: the schema's. */
  features?: readonly string[];
  /** The id column (`--id COL`). Default: the schema's `primaryKey`, else none (row numbers). */
  id?: string;
  /** Categorical columns (`--categorical x,y`). Default: the schema's. */
  categorical?: readonly string[];
  /** Missing-value policy (`--impute drop|median`). Default: the schema's `missing`, else 'drop'. */
  missing?: 'drop' | 'median';
  /** Unknown-category policy (`--unknown-category ignore|error`). Default: the schema's, else 'ignore'. */
  unknownCategory?: 'ignore' | 'error';
}

const HOW_TO_NAME =
  'name the clustering features, e.g. npm run report -- --data FILE --features colA,colB,colC [--id COL] [--categorical colX,colY] (or --schema FILE.json)';

/** Header names compare without surrounding spaces, with inner runs of spaces collapsed, in any case. */
export function headerKey(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}

/**
 * Picks the schema of a table from its header and the user's choice:
 * - no schema and no flags: the built-in Mall schema when the header has the Mall columns, else an OptionsError
 *   listing the columns found and how to name features;
 * - flags only: a schema built from them (features numeric unless also categorical; id and categories as text);
 * - a schema file, with flags overriding its `features`, `primaryKey` and `categorical`.
 * Columns are then looked up in the header, ignoring case and spacing; the schema's spelling is kept.
 * @throws DataError for a column absent from the header (named, with the columns found) or repeated in it;
 * OptionsError for fewer than 2 features, the id used as a feature, or a feature declared as text and not categorical.
 */
export function resolveSchema(header: readonly string[], choice: SchemaChoice = {}, source = '<input>'): TableSchema {
  let base: TableSchema;
  if (choice.schema) base = choice.schema;
  else if (hasColumns(header, MALL_SCHEMA)) base = MALL_SCHEMA;
  else if (choice.features !== undefined) base = { name: 'custom', features: [], fields: [] };
  else {
    const missing = MALL_SCHEMA.fields.filter((f) => !header.some((h) => headerKey(h) === headerKey(f.name))).map((f) => f.name);
    throw new DataError(`${missingText(missing, header, source)}; for a table of your own, ${HOW_TO_NAME}`, source);
  }

  const features = [...(choice.features ?? base.features)];
  const categorical = [...(choice.categorical ?? base.categorical ?? [])];
  const primaryKey = choice.id ?? base.primaryKey;
  const fields = new Map(base.fields.map((f) => [headerKey(f.name), { ...f }] as const));
  const ensure = (name: string, type: FieldType) => {
    if (!fields.has(headerKey(name))) fields.set(headerKey(name), { name, type });
  };
  if (primaryKey !== undefined) ensure(primaryKey, 'string');
  for (const c of categorical) ensure(c, 'string');
  for (const f of features) ensure(f, categorical.some((c) => headerKey(c) === headerKey(f)) ? 'string' : 'number');

  const position = (name: string) => header.findIndex((h) => headerKey(h) === headerKey(name));
  // Every column the schema names must be in the header (matched ignoring case and spacing).
  const absent: string[] = [];
  for (const field of fields.values()) {
    const positions = header.flatMap((h, i) => (headerKey(h) === headerKey(field.name) ? [i] : []));
    if (positions.length === 0) absent.push(field.name);
    else if (positions.length > 1)
      throw new DataError(
        `Column "${field.name}" appears ${positions.length} times in ${source} (columns ${positions.map((p) => p + 1).join(', ')}); keep one`,
        source,
      );
  }
  if (absent.length > 0) throw new DataError(`${missingText(absent, header, source)}; names must be as in the header`, source);
  const resolved: TableSchema = {
    ...base,
    name: base.name ?? 'custom',
    primaryKey,
    features,
    categorical,
    plot: base.plot && fields.has(headerKey(base.plot.x)) && fields.has(headerKey(base.plot.y)) ? base.plot : undefined,
    // A schema built from flags lists its columns in the file's order; a schema file keeps its own order.
    fields: base.fields.length === 0 ? [...fields.values()].sort((a, b) => position(a.name) - position(b.name)) : [...fields.values()],
  };
  if (choice.missing !== undefined) resolved.missing = choice.missing;
  if (choice.unknownCategory !== undefined) resolved.unknownCategory = choice.unknownCategory;
  if (resolved.primaryKey === undefined) delete resolved.primaryKey;
  if (resolved.plot === undefined) delete resolved.plot;
  return checkSchema(resolved, source);
}

function missingText(missing: readonly string[], header: readonly string[], source: string): string {
  const found = header.filter((h) => h !== '').join(', ');
  const what = missing.length === 1 ? `Column "${missing[0]}" is` : `Columns ${missing.map((m) => `"${m}"`).join(', ')} are`;
  const looksLikeData = /^\d+$/.test(header[0] ?? '');
  return `${what} missing in ${source} (found: ${found})${looksLikeData ? '; the first line looks like data: add the header row' : ''}`;
}

/** True when every field of `schema` is in `header`. */
export function hasColumns(header: readonly string[], schema: TableSchema): boolean {
  return schema.fields.every((f) => header.some((h) => headerKey(h) === headerKey(f.name)));
}

/** Consistency rules every resolved schema obeys; returns it unchanged. */
function checkSchema(schema: TableSchema, source: string): TableSchema {
  const fail = (problem: string, option = 'features'): never => {
    throw new OptionsError(`Schema for ${source}: ${problem}`, option);
  };
  const names = schema.fields.map((f) => f.name);
  if (new Set(names).size !== names.length) fail(`a field is listed twice (${names.join(', ')})`);
  const categorical = schema.categorical ?? [];
  if (schema.features.length < 2)
    fail(`clustering needs at least 2 features (got ${schema.features.length}: ${schema.features.join(', ') || 'none'}); ${HOW_TO_NAME}`);
  if (new Set(schema.features).size !== schema.features.length) fail(`a feature is listed twice (${schema.features.join(', ')})`);
  if (schema.primaryKey !== undefined && (schema.features.includes(schema.primaryKey) || categorical.includes(schema.primaryKey)))
    fail(`the id column "${schema.primaryKey}" cannot also be a feature or categorical column`, 'id');
  for (const f of schema.fields) {
    const isCat = categorical.includes(f.name);
    if (isCat && f.type !== 'string') fail(`categorical column "${f.name}" must have type "string" (got "${f.type}")`, 'categorical');
    if (!isCat && f.name !== schema.primaryKey && f.type === 'string')
      fail(`column "${f.name}" is text but not categorical; list it in --categorical, or give it type "number"`, 'categorical');
    const { minimum, maximum } = f.constraints ?? {};
    if (minimum !== undefined && maximum !== undefined && minimum > maximum) fail(`field "${f.name}": minimum ${minimum} > maximum ${maximum}`);
    if (f.transform === 'log1p' && !(minimum !== undefined && minimum > -1))
      fail(`field "${f.name}": transform "log1p" needs constraints.minimum > -1 (e.g. 0) so that log(1 + x) exists`);
  }
  return schema;
}

const FIELD_TYPES: readonly string[] = ['number', 'integer', 'string'];

/**
 * Checks a schema read from JSON (shape and types only; columns are checked against the header by
 * {@link resolveSchema}). Throws OptionsError naming `source` and the first problem.
 */
export function validateSchema(json: unknown, source: string): TableSchema {
  const fail = (problem: string): never => {
    throw new OptionsError(`Schema ${source}: ${problem}; see "Your own data" in README.md for the format`, 'schema');
  };
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return fail('not a JSON object');
  const s = json as Record<string, unknown>;
  const stringList = (v: unknown, what: string): string[] => {
    if (v === undefined) return [];
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' && x.trim() !== '')) return fail(`${what} must be a list of column names`);
    return v as string[];
  };
  const fieldsIn = s.fields ?? [];
  if (!Array.isArray(fieldsIn)) return fail('fields must be a list');
  const fields = fieldsIn.map((f: unknown, i): SchemaField => {
    if (f === null || typeof f !== 'object') return fail(`fields[${i}] is not an object`);
    const field = f as Record<string, unknown>;
    if (typeof field.name !== 'string' || field.name.trim() === '') return fail(`fields[${i}].name must be a column name`);
    const type = field.type ?? 'number';
    if (typeof type !== 'string' || !FIELD_TYPES.includes(type)) return fail(`fields[${i}] ("${field.name}"): type must be number, integer or string`);
    if (field.transform !== undefined && field.transform !== 'none' && field.transform !== 'log1p')
      return fail(`fields[${i}] ("${field.name}"): transform must be "none" or "log1p"`);
    for (const key of ['words', 'comparatives'] as const) {
      const v = field[key];
      const n = key === 'words' ? 3 : 2;
      if (v !== undefined && (!Array.isArray(v) || v.length !== n || !v.every((w) => typeof w === 'string')))
        return fail(`fields[${i}] ("${field.name}"): ${key} must be ${n} strings`);
    }
    if (field.positive !== undefined && typeof field.positive !== 'string') return fail(`fields[${i}] ("${field.name}"): positive must be a category value`);
    const c = field.constraints as Record<string, unknown> | undefined;
    if (c !== undefined) {
      for (const key of ['minimum', 'maximum'])
        if (c[key] !== undefined && (typeof c[key] !== 'number' || !Number.isFinite(c[key]))) return fail(`fields[${i}] ("${field.name}"): constraints.${key} must be a number`);
      if (c.enum !== undefined) stringList(c.enum, `fields[${i}].constraints.enum`);
    }
    return { ...(field as unknown as SchemaField), type: type as FieldType };
  });
  const features = stringList(s.features, 'features');
  const categorical = stringList(s.categorical, 'categorical');
  if (s.primaryKey !== undefined && typeof s.primaryKey !== 'string') return fail('primaryKey must be a column name');
  const plot = s.plot as { x?: unknown; y?: unknown } | undefined;
  if (plot !== undefined && (typeof plot.x !== 'string' || typeof plot.y !== 'string')) return fail('plot must be {"x": column, "y": column}');
  const missingValues = s.missingValues === undefined ? undefined : stringList(s.missingValues, 'missingValues');
  if (s.missing !== undefined && s.missing !== 'drop' && s.missing !== 'median') return fail(`missing must be "drop" or "median" (got ${JSON.stringify(s.missing)})`);
  if (s.unknownCategory !== undefined && s.unknownCategory !== 'ignore' && s.unknownCategory !== 'error')
    return fail(`unknownCategory must be "ignore" or "error" (got ${JSON.stringify(s.unknownCategory)})`);
  return {
    ...(s as unknown as TableSchema),
    features,
    categorical,
    fields,
    ...(missingValues ? { missingValues } : {}),
  };
}

/** The field named `name`; throws when the schema has none (a programming error: resolved schemas are complete). */
export function field(schema: TableSchema, name: string): SchemaField {
  const f = schema.fields.find((x) => x.name === name);
  if (!f) throw new OptionsError(`column "${name}" is not in the schema (${schema.fields.map((x) => x.name).join(', ')})`, 'features');
  return f;
}

/** Numeric columns in field order (features and other numeric columns profiled), not the id. */
export function numericColumns(schema: TableSchema): string[] {
  return schema.fields.filter((f) => f.type !== 'string' && f.name !== schema.primaryKey).map((f) => f.name);
}

/** Categorical columns in field order. */
export function categoricalColumns(schema: TableSchema): string[] {
  const cats = schema.categorical ?? [];
  return schema.fields.filter((f) => cats.includes(f.name)).map((f) => f.name);
}

/** Numeric clustering features, in `features` order. */
export function numericFeatures(schema: TableSchema): string[] {
  const cats = schema.categorical ?? [];
  return schema.features.filter((f) => !cats.includes(f));
}

/** The display name of a column: its title, else its name. */
export function displayName(schema: TableSchema, column: string): string {
  return field(schema, column).title ?? column;
}

/** Axis title: "Title (unit)", or the column name when neither is given. */
export function axisTitle(schema: TableSchema, column: string): string {
  const f = field(schema, column);
  return f.unit ? `${f.title ?? f.name} (${f.unit})` : (f.title ?? f.name);
}

/**
 * Axis title of a chart in raw units: {@link axisTitle}, plus "log1p in clustering" for a clustering feature with a
 * log1p transform (the chart shows the values as they are; the distances were taken on log(1 + x)).
 */
export function featureAxisTitle(schema: TableSchema, column: string): string {
  const f = field(schema, column);
  const logged = f.transform === 'log1p' && schema.features.includes(column);
  if (!logged) return axisTitle(schema, column);
  return f.unit ? `${f.title ?? f.name} (${f.unit}; log1p in clustering)` : `${f.title ?? f.name} (log1p in clustering)`;
}

/** A column that counts days (or time) since the last purchase: lower means more recent. */
export const RECENCY_NAME = /recen|days?[ _-]?since|since[ _-]?last|last[ _-]?(purchase|order|visit|seen|active)/i;

/**
 * The three level words of a numeric column (see SchemaField.words): [low, average, high]. Default: "low/average/high
 * <title>", and for a recency-like column (name or title matching {@link RECENCY_NAME}) "recent / average recency /
 * lapsed".
 */
export function levelWords(schema: TableSchema, column: string): [string, string, string] {
  const f = field(schema, column);
  const t = (f.title ?? f.name).toLowerCase();
  if (f.words) return f.words;
  if (RECENCY_NAME.test(f.name) || RECENCY_NAME.test(t)) return ['recent', 'average recency', 'lapsed'];
  // "average average basket" reads badly: a title that already says average gets "mid" in the middle
  return [`low ${t}`, /^(average|avg|mean)\b/.test(t) ? `mid ${t}` : `average ${t}`, `high ${t}`];
}

/**
 * The two comparative words of a numeric column (see SchemaField.comparatives): [lower, higher]. Default:
 * "lower/higher <title>"; a recency-like column: "more recent / less recent".
 */
export function comparativeWords(schema: TableSchema, column: string): [string, string] {
  const f = field(schema, column);
  const t = (f.title ?? f.name).toLowerCase();
  if (f.comparatives) return f.comparatives;
  if (!f.words && (RECENCY_NAME.test(f.name) || RECENCY_NAME.test(t))) return ['more recent', 'less recent'];
  return [`lower ${t}`, `higher ${t}`];
}

/** Cell texts read as missing, lower case. */
export function missingTokens(schema: TableSchema): ReadonlySet<string> {
  return new Set((schema.missingValues ?? MISSING_TOKENS).map((t) => t.toLowerCase()));
}

/** The built-in Mall Customers schema (src/data/schemas/mall.json). */
export const MALL_SCHEMA: TableSchema = validateSchema(mallSchemaJson, 'built-in mall schema');

