import { readFile } from 'node:fs/promises';
import { ModelError } from '../util/errors';
import { parseModel, type SegmentModel } from '../segmentation/artifact';

/** Reads and validates a saved model file. Throws ModelError (file missing or unusable) with a one-line reason. */
export async function loadModel(path: string): Promise<SegmentModel> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ModelError(
      code === 'ENOENT'
        ? `Model file ${path} does not exist; create it with \`npm run report\` or pass --model PATH`
        : `Model file ${path} cannot be read (${code ?? (e as Error).message})`,
      path,
    );
  }
  return parseModel(text, { source: path });
}
