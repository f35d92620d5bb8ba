// Cleaning: the spellings of a categorical column (case, padding, aliases, enum) read as one value each.
import { MISSING_CATEGORY } from '../normalize';
import { field, type TableSchema } from '../schema';

/** Internal identity of a missing category (no cell text can equal it). */
const MISSING_IDENTITY = '\u0000missing';
/** Value code of a missing category. */
export const MISSING_CODE = 0;
/** Value code of a spelling the column's enum does not allow. */
export const UNRECOGNISED = -2;

/**
 * One categorical column's values: every spelling met is counted (the most frequent spelling names a value that has
 * no enum) and given a code; a row stores the code of its value.
 */
export class CategoryColumn {
  /** Spelling (cell text) -> index into the spelling tables. */
  private readonly spellings = new Map<string, number>();
  private readonly spellingText: string[] = [];
  /** Value code of each spelling; UNRECOGNISED for a spelling an enum does not allow; MISSING_CODE for missing. */
  private readonly spellingCode: number[] = [];
  private readonly spellingCount: number[] = [];
  /** Rows kept with each spelling (for the "spelled differently" warning). */
  private readonly spellingKept: number[] = [];
  /** Value identity (enum value, or lower-case text) -> code. */
  private readonly codes = new Map<string, number>();
  private readonly identities: string[] = [];
  /** Spelling written for an identity that only aliases reach (no row spelled it). */
  private readonly aliasTarget: (string | undefined)[] = [];
  private canonical: string[] | null = null;
  private last = -1;

  constructor(
    readonly name: string,
    readonly pos: number,
    readonly required: boolean,
    /** The enum's values, or null. */
    readonly values: string[] | null,
    private readonly lookup: ReadonlyMap<string, string>,
    private readonly aliases: ReadonlyMap<string, string>,
    private readonly missing: ReadonlySet<string>,
  ) {
    this.code(MISSING_IDENTITY, MISSING_CATEGORY);
  }

  /** Counts a cell's spelling (every row read). */
  count(text: string): void {
    this.last = this.spelling(text);
    if (this.last >= 0) this.spellingCount[this.last]++;
  }

  /** The value code of a cell: MISSING_CODE, UNRECOGNISED, or a value. */
  codeOf(text: string): number {
    const sp = this.spelling(text);
    return sp < 0 ? MISSING_CODE : this.spellingCode[sp];
  }

  /** Counts a kept row's spelling. */
  kept(text: string): void {
    const sp = this.spelling(text);
    if (sp >= 0) this.spellingKept[sp]++;
  }

  /** The written value of each code (after every row: the most frequent spelling of a value without an enum). */
  written(): string[] {
    if (this.canonical !== null) return this.canonical;
    const best = new Array<[string, number] | undefined>(this.identities.length);
    for (let sp = 0; sp < this.spellingText.length; sp++) {
      const code = this.spellingCode[sp];
      const text = this.spellingText[sp];
      if (code < 0 || this.aliases.has(text.toLowerCase())) continue;
      const count = this.spellingCount[sp];
      const b = best[code];
      if (b === undefined || count > b[1] || (count === b[1] && text < b[0])) best[code] = [text, count];
    }
    this.canonical = this.identities.map((id, code) =>
      code === MISSING_CODE ? MISSING_CATEGORY : this.values !== null ? id : (best[code]?.[0] ?? this.aliasTarget[code] ?? id),
    );
    return this.canonical;
  }

  /** Spellings of kept rows that differ from the value written, with their counts and value, in order of appearance. */
  respelled(): Map<string, { count: number; value: string }> {
    const canonical = this.written();
    const out = new Map<string, { count: number; value: string }>();
    for (let sp = 0; sp < this.spellingText.length; sp++) {
      const code = this.spellingCode[sp];
      if (code < 0 || code === MISSING_CODE || this.spellingKept[sp] === 0) continue;
      if (this.spellingText[sp] !== canonical[code]) out.set(this.spellingText[sp], { count: this.spellingKept[sp], value: canonical[code] });
    }
    return out;
  }

  /** Index of a cell's spelling, adding it when new; -1 for a missing cell. */
  private spelling(text: string): number {
    if (this.last >= 0 && this.spellingText[this.last] === text) return this.last;
    const known = this.spellings.get(text);
    if (known !== undefined) return known;
    // "(missing)" is what the outputs write for a kept missing category: read back, it is missing again.
    if (text === '' || text === MISSING_CATEGORY || this.missing.has(text.toLowerCase())) return -1;
    const key = text.toLowerCase();
    let code: number;
    const alias = this.aliases.get(key);
    if (this.values !== null) {
      const value = this.lookup.get(key);
      code = value === undefined ? UNRECOGNISED : this.code(value, value);
    } else if (alias !== undefined) code = this.code(alias.toLowerCase(), alias);
    else code = this.code(key, undefined);
    const sp = this.spellingText.length;
    this.spellings.set(text, sp);
    this.spellingText.push(text);
    this.spellingCode.push(code);
    this.spellingCount.push(0);
    this.spellingKept.push(0);
    return sp;
  }

  private code(identity: string, aliasTarget: string | undefined): number {
    let code = this.codes.get(identity);
    if (code === undefined) {
      code = this.identities.length;
      this.codes.set(identity, code);
      this.identities.push(identity);
      this.aliasTarget.push(aliasTarget);
    } else if (aliasTarget !== undefined && this.aliasTarget[code] === undefined) this.aliasTarget[code] = aliasTarget;
    return code;
  }
}

/**
 * The column `name` of the schema, at field index `pos`: its enum and aliases compare ignoring case and padding;
 * `missing` holds the lower-case missing tokens. A clustering feature, like a `required` field, cannot be "(missing)".
 */
export function categoryColumn(schema: TableSchema, name: string, pos: number, missing: ReadonlySet<string>): CategoryColumn {
  const f = field(schema, name);
  const values = f.constraints?.enum ?? null;
  const aliases = new Map(Object.entries(f.aliases ?? {}).map(([alias, value]) => [alias.trim().toLowerCase(), value] as const));
  const lookup = new Map<string, string>();
  if (values !== null) {
    for (const v of values) lookup.set(v.trim().toLowerCase(), v);
    for (const [alias, value] of aliases) lookup.set(alias, value);
  }
  // A clustering feature cannot be "(missing)": like a missing number, the row is dropped.
  const required = f.constraints?.required === true || schema.features.includes(name);
  return new CategoryColumn(name, pos, required, values, lookup, aliases, missing);
}
