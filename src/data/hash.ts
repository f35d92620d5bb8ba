import { createHash } from 'node:crypto';

/**
 * Content hash of a data file's text, to record which data a report or model was built from.
 *
 * @param text - The file's text as read (UTF-8), e.g. `loadCustomersCsv(path).text`, or its bytes (Parquet).
 * @returns `'sha256:<64 lowercase hex digits>'` of the UTF-8 bytes of `text` (or of the bytes).
 *
 * @example
 * dataHash('abc'); // 'sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
 */
export function dataHash(text: string | Uint8Array): string {
  const h = createHash('sha256');
  if (typeof text === 'string') h.update(text, 'utf8');
  else h.update(text);
  return `sha256:${h.digest('hex')}`;
}
