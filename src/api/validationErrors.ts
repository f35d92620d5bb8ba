// The API's validation errors in words: an Ajv error (as Fastify passes it) becomes {field, problem}, naming the field
// as the client sent it ("customers[3].age") and what to send instead.

/** How a value is shown in an error message (JSON.stringify would print Infinity as null). */
function show(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** An Ajv error as Fastify passes it (verbose: true adds data, schema and parentSchema). */
export interface AjvError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
  data?: unknown;
  schema?: unknown;
  parentSchema?: { properties?: Record<string, unknown> };
}

/**
 * "/customers/3/age" -> "customers[3].age", "/Annual Income (k$)" -> "Annual Income (k$)"; "" -> "body". JSON
 * pointer escapes (~1 for "/", ~0 for "~") are undone; a number is an index only inside `customers` (the only
 * array), so a column named "2024" stays a name.
 */
function fieldName(instancePath: string, child?: string): string {
  const parts = instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (child !== undefined) parts.push(child);
  let out = '';
  parts.forEach((p, i) => {
    out += i > 0 && parts[i - 1] === 'customers' && /^\d+$/.test(p) ? `[${p}]` : out ? `.${p}` : p;
  });
  return out || 'body';
}

const TYPE_WORDS: Record<string, string> = { object: 'a JSON object', array: 'an array', number: 'a number', integer: 'an integer', string: 'a string', boolean: 'true or false', null: 'null' };

function typeWords(type: unknown): string {
  const types = Array.isArray(type) ? type : String(type).split(',');
  return types.map((t) => TYPE_WORDS[String(t)] ?? `of type ${t}`).join(' or ');
}

/**
 * One Ajv error as {field, problem}, in words a client can act on. `alternatives`: other names the same missing
 * column may be sent as (a column with an apiName), added to a "required" problem.
 */
export function describeValidationError(e: AjvError, alternatives: readonly string[] = []): { field: string; problem: string } {
  const got = 'data' in e ? ` (got ${show(e.data)})` : '';
  switch (e.keyword) {
    case 'required': {
      const missing = String(e.params.missingProperty);
      const names = [missing, ...alternatives.filter((a) => a !== missing)];
      return { field: fieldName(e.instancePath, missing), problem: names.length > 1 ? `is required (as ${names.map((n) => JSON.stringify(n)).join(' or ')})` : 'is required' };
    }
    case 'additionalProperties': {
      const allowed = Object.keys(e.parentSchema?.properties ?? {});
      return {
        field: fieldName(e.instancePath, String(e.params.additionalProperty)),
        problem: `is not a known field${allowed.length ? ` (expected: ${allowed.map((a) => JSON.stringify(a)).join(', ')})` : ''}`,
      };
    }
    case 'not': {
      // the only `not` of the schemas: a column sent under both its name and its apiName
      const both = (e.schema as { required?: string[] } | undefined)?.required;
      if (Array.isArray(both) && both.length === 2)
        return { field: fieldName(e.instancePath, both[1]), problem: `is the same column as ${JSON.stringify(both[0])}; send only one of the two` };
      return { field: fieldName(e.instancePath), problem: e.message ?? 'is invalid' };
    }
    case 'type':
      if (String(e.params.type).split(',').includes('number') && typeof e.data === 'number')
        return { field: fieldName(e.instancePath), problem: `must be a finite number${got}` };
      return { field: fieldName(e.instancePath), problem: `must be ${typeWords(e.params.type)}${got}` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { field: fieldName(e.instancePath), problem: `must be ${e.params.comparison} ${e.params.limit}${got}` };
    case 'enum':
      return {
        field: fieldName(e.instancePath),
        problem: `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}${got}`,
      };
    case 'minItems':
    case 'maxItems': {
      const n = Array.isArray(e.data) ? ` (got ${e.data.length})` : '';
      return {
        field: fieldName(e.instancePath),
        problem: `must hold ${e.keyword === 'minItems' ? 'at least' : 'at most'} ${e.params.limit} customer${e.params.limit === 1 ? '' : 's'}${n}`,
      };
    }
    default:
      return { field: fieldName(e.instancePath), problem: `${e.message ?? 'is invalid'}${got}` };
  }
}

/**
 * The problem a client should fix first, from Fastify's `error.validation` (Ajv's errors, `allErrors: false`): the
 * first error that is not an `if`; for a missing column that has two names (an `anyOf` of two `required`), both names.
 */
export function describeValidation(errors: readonly AjvError[]): { field: string; problem: string } {
  const at = Math.max(0, errors.findIndex((e) => e.keyword !== 'if'));
  const first = errors[at];
  // a required column with two names (anyOf): the other branch's `required` follows
  const alternatives =
    first.keyword === 'required'
      ? errors.slice(at + 1).filter((e) => e.keyword === 'required' && e.instancePath === first.instancePath).map((e) => String(e.params.missingProperty))
      : [];
  return describeValidationError(first, alternatives);
}
