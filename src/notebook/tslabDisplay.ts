/**
 * tslab's display API for the current cell. tslab is required on first use: loading it takes about half a second,
 * and only cells in a kernel display, so that importing the public API stays fast.
 */
import type * as Tslab from 'tslab';

export function tslabDisplay(): typeof Tslab.display {
  return (require('tslab') as typeof Tslab).display;
}
