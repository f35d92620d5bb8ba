import { OptionsError } from '../src/errors';

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
