/**
 * Writes the report's figures: `<dir>/<name>.html` (interactive, offline) for every figure and `<dir>/<name>.png`
 * when a renderer is given. The only file I/O of the figures.
 */
import { mkdir, writeFile } from 'fs/promises';
import { join } from 'path';
import { OptionsError } from '../util/errors';
import { figureHtml } from '../figures/html';
import type { Renderer } from '../browser/render';
import type { NamedFigure } from '../figures/specs';

const BAD_NAME = /[/\\\0]|^\.{1,2}$/;

/**
 * Writes every figure as `<dir>/<name>.html` and, with a renderer, `<dir>/<name>.png` (the renderer's default
 * size, 1200x800). PNGs of all figures render concurrently while the HTML files are written.
 *
 * A PNG that fails to render is not written; its one-line reason is returned in `warnings` (identical reasons, such
 * as a browser that did not start, are reported once). With `renderer === null` only HTML is written and no warning
 * is added: the reason is the one `startRenderer` returned. `options.onProgress(done, total)` is called as each
 * figure's PNG is written or given up (default: none).
 * @returns `files`: the paths written (`dir` joined with the file name): every HTML file, then every PNG, in figure order.
 * @throws OptionsError when a figure name is empty, contains a path separator, or is used twice.
 * @example
 * const { files, warnings } = await writeFigureFiles('reports/figures', figures, renderer);
 */
export async function writeFigureFiles(
  dir: string,
  figures: readonly NamedFigure[],
  renderer: Renderer | null,
  options: { onProgress?: (done: number, total: number) => void } = {},
): Promise<{ files: string[]; warnings: string[] }> {
  const seen = new Set<string>();
  for (const { name } of figures) {
    if (name.trim() === '' || BAD_NAME.test(name)) {
      throw new OptionsError(`writeFigureFiles: figure name ${JSON.stringify(name)} is not a file base name; use e.g. "customer-segmentation-2d"`, 'name');
    }
    if (seen.has(name)) throw new OptionsError(`writeFigureFiles: two figures are named "${name}"; give each figure its own name`, 'name');
    seen.add(name);
  }
  const pngs = figures.map((fig) => (renderer ? renderer.toPng(fig.figure) : null));
  for (const png of pngs) png?.catch(() => undefined);

  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  const warnings = new Set<string>();
  for (const fig of figures) {
    const htmlPath = join(dir, `${fig.name}.html`);
    await writeFile(htmlPath, figureHtml(fig));
    files.push(htmlPath);
  }
  for (const [i, fig] of figures.entries()) {
    const png = pngs[i];
    if (!png) continue;
    try {
      const bytes = await png;
      const pngPath = join(dir, `${fig.name}.png`);
      await writeFile(pngPath, bytes);
      files.push(pngPath);
    } catch (error) {
      warnings.add(error instanceof Error ? error.message : String(error));
    }
    options.onProgress?.(i + 1, figures.length);
  }
  return { files, warnings: [...warnings] };
}
