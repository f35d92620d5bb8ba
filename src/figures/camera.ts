// The perspective camera of Plotly's 3D scenes (gl-plot3d), for drawing a scene as a still 2D projection.
import { OptionsError } from '../util/errors';

/** A point or direction in the scene's normalised cube coordinates (each axis spans -0.5..0.5). */
export interface Vec3 {
  x: number;
  y: number;
  z: number;
}

/** Vertical field of view of gl-plot3d's default camera. */
const FOVY = Math.PI / 4;

const sub = (a: Vec3, b: Vec3): Vec3 => ({ x: a.x - b.x, y: a.y - b.y, z: a.z - b.z });
const dot = (a: Vec3, b: Vec3): number => a.x * b.x + a.y * b.y + a.z * b.z;
const cross = (a: Vec3, b: Vec3): Vec3 => ({ x: a.y * b.z - a.z * b.y, y: a.z * b.x - a.x * b.z, z: a.x * b.y - a.y * b.x });
const unit = (a: Vec3): Vec3 => {
  const n = Math.hypot(a.x, a.y, a.z);
  return { x: a.x / n, y: a.y / n, z: a.z / n };
};

/** A perspective camera looking from `eye` at the origin, z up. `project` gives [screenX, screenY, depth]. */
export interface Camera {
  project(p: Vec3): [number, number, number];
}

/**
 * Perspective camera as gl-plot3d sets it up: eye in normalised cube units, centre (0,0,0), up (0,0,1), vertical
 * field of view 45 degrees. Screen units: -1..1 is the full height of the scene's viewport. Depth grows away from
 * the eye.
 * @throws OptionsError when the eye is at the centre or not finite.
 */
export function makeCamera(eye: Vec3): Camera {
  if (![eye.x, eye.y, eye.z].every(Number.isFinite) || Math.hypot(eye.x, eye.y, eye.z) === 0) {
    throw new OptionsError(`projectScene: camera eye must be finite and not at the centre (got ${JSON.stringify(eye)})`, 'eye');
  }
  const forward = unit(sub({ x: 0, y: 0, z: 0 }, eye));
  let right = cross(forward, { x: 0, y: 0, z: 1 });
  if (Math.hypot(right.x, right.y, right.z) < 1e-9) right = { x: 1, y: 0, z: 0 };
  right = unit(right);
  const up = cross(right, forward);
  const f = 1 / Math.tan(FOVY / 2);
  return {
    project(p: Vec3): [number, number, number] {
      const d = sub(p, eye);
      const depth = dot(d, forward);
      return [(f * dot(d, right)) / depth, (f * dot(d, up)) / depth, depth];
    },
  };
}
