/**
 * The notebooks' table parameters (SCHEMA, FEATURES, ID, CATEGORICAL in the parameters cell; `npm run notebooks --
 * --schema --features --id --categorical` writes them) turned into the SchemaChoice the loaders take.
 */
import { loadSchema } from '../data/load';
import type { SchemaChoice } from '../data/schema';

/** The table parameters of a notebook; null leaves the choice to the schema (or the Mall default). */
export interface TableParameters {
  /** Schema JSON file (see README "Your own data"), relative to the project root or absolute. */
  schema: string | null;
  /** Clustering features, names as in the CSV header; wins over the schema's. */
  features: readonly string[] | null;
  /** The id column; wins over the schema's primaryKey. */
  id: string | null;
  /** Categorical columns; win over the schema's. */
  categorical: readonly string[] | null;
}

/**
 * The SchemaChoice of the parameters: the schema file read and checked (loadSchema), the flags as given. The same
 * choice `npm run report -- --schema --features --id --categorical` makes.
 * @throws OptionsError when the schema file is missing, not JSON, or not a schema.
 * @example const choice = await schemaChoice({ schema: SCHEMA, features: FEATURES, id: ID, categorical: CATEGORICAL });
 */
export async function schemaChoice(params: TableParameters): Promise<SchemaChoice> {
  const choice: SchemaChoice = {};
  if (params.schema !== null) choice.schema = await loadSchema(params.schema);
  if (params.features !== null) choice.features = params.features;
  if (params.id !== null) choice.id = params.id;
  if (params.categorical !== null) choice.categorical = params.categorical;
  return choice;
}
