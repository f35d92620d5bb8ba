import * as tf from '@tensorflow/tfjs-core';

/**
 * Why the native backend (tfjs-node-native, `npm run native:build`) does not load here, or null when it does: the
 * one probe the backend tests skip on. Requiring it registers the 'tensorflow' backend, as in the library.
 */
export const NATIVE_LOAD_ERROR: string | null = (() => {
  try {
    require('tfjs-node-native');
    return tf.findBackendFactory('tensorflow') === null ? 'tfjs-node-native registers no tensorflow backend' : null;
  } catch (error) {
    return `tfjs-node-native does not load (${(error instanceof Error ? error.message : String(error)).split('\n')[0]}); build it with npm run native:build`;
  }
})();

/** True where the native backend loads. */
export const NATIVE_LOADS = NATIVE_LOAD_ERROR === null;
