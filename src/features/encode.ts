import { GENDER_CODES, type Gender } from '../data/schema';

/** Encodes Gender as an integer: Female = 0, Male = 1 (the original project's encoding). */
export function encodeGender(gender: Gender): number {
  return GENDER_CODES[gender];
}

/** Inverse of encodeGender. Throws RangeError for a code other than 0 or 1. */
export function decodeGender(code: number): Gender {
  if (code === 0) return 'Female';
  if (code === 1) return 'Male';
  throw new RangeError(`Gender code ${code} is not 0 (Female) or 1 (Male)`);
}
