import { parseArgs } from 'node:util';
import { OptionsError } from '../src';

/** Parses an optional integer CLI flag; OptionsError for anything but a whole number. */
export function intOption(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value.trim())) throw new OptionsError(`${flag} must be a whole number, got "${value}"`, flag);
  return Number(value);
}

/** A comma-separated CLI list ("a, b,c" -> ["a", "b", "c"]); undefined stays undefined. */
export function listOption(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/**
 * Runs a CLI entry point: user mistakes (typed errors, bad flags) print one line on stderr and exit 1 without a stack
 * trace; anything else is a bug and prints its stack, exit 2.
 */
export function cliMain(main: () => Promise<void>, isUserError: (e: unknown) => boolean): void {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      const argError = e instanceof TypeError && (e as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS');
      if (isUserError(e) || argError) {
        process.stderr.write(`error: ${(e as Error).message}\n`);
        process.exit(1);
      }
      process.stderr.write(`internal error: ${(e as Error)?.stack ?? String(e)}\n`);
      process.exit(2);
    },
  );
}

type FlagOptions = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;
type FlagValue<F> = F extends { type: 'boolean' } ? (F extends { multiple: true } ? boolean[] : boolean) : F extends { multiple: true } ? string[] : string;
/** The values parseArgs gives for `O`: each flag optional, typed by its `type` and `multiple`. */
type ParsedFlags<O> = { [K in keyof O]?: FlagValue<O[K]> };

/**
 * Parses a script's flags strictly (an unknown flag is a user error), with `--help`/`-h` added: prints `help` and
 * returns null when asked for it.
 * @example const values = parseFlags({ data: { type: 'string' } }, HELP); if (values === null) return;
 */
export function parseFlags<const O extends FlagOptions>(options: O, help: string): ParsedFlags<O> | null {
  const { values } = parseArgs({ args: joinNegativeValues(process.argv.slice(2), options), options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true });
  if ((values as { help?: boolean }).help) {
    console.log(help);
    return null;
  }
  return values as ParsedFlags<O>;
}

/**
 * `--k -3` as `--k=-3`: parseArgs reads a value starting with '-' as a flag ("argument is ambiguous"); a negative
 * number after a string flag is its value, which the flag's own check then refuses with the reason.
 */
export function joinNegativeValues(args: readonly string[], options: FlagOptions): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = args[i].startsWith('--') ? args[i].slice(2) : null;
    if (name !== null && options[name]?.type === 'string' && i + 1 < args.length && /^-\d/.test(args[i + 1])) {
      out.push(`${args[i]}=${args[i + 1]}`);
      i++;
    } else out.push(args[i]);
  }
  return out;
}
