import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

/** Options of {@link saveOutput}. */
export interface SaveOptions {
  /** Folder outputs go under (the notebooks' OUT_DIR). Required. */
  outDir: string;
  /** Path under `outDir`, e.g. OUTPUTS.preprocessed ('data/processed/preprocessed_data.csv'). Required. */
  file: string;
  /** File content. Required. */
  text: string;
}

/**
 * Writes one notebook output, creating its folder; returns the absolute path written. The notebooks' only file
 * writer, so outputs land where `npm run report` puts them (same OUTPUTS layout under OUT_DIR).
 */
export async function saveOutput(options: SaveOptions): Promise<string> {
  const { outDir, file, text } = options;
  const path = resolve(join(outDir, file));
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
  return path;
}
