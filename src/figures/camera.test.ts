import { describe, expect, it } from 'vitest';
import { OptionsError } from '../util/errors';
import { makeCamera } from './camera';

describe('makeCamera', () => {
  it('projects by hand-computed perspective: eye (0,-2,0), 45 degree field of view', () => {
    const camera = makeCamera({ x: 0, y: -2, z: 0 });
    const f = 1 / Math.tan(Math.PI / 8);
    const [sx, sy, depth] = camera.project({ x: 0.5, y: 0, z: 0.25 });
    expect(depth).toBeCloseTo(2, 12);
    expect(sx).toBeCloseTo((f * 0.5) / 2, 12);
    expect(sy).toBeCloseTo((f * 0.25) / 2, 12);
    // Farther away, the same offset shrinks.
    expect(camera.project({ x: 0.5, y: 0.5, z: 0.25 })[0]).toBeCloseTo((f * 0.5) / 2.5, 12);
  });

  it('maps points on one line of sight to the same spot and mirrors corners for a symmetric eye', () => {
    const eye = { x: 1.55, y: -1.55, z: 0.85 };
    const camera = makeCamera(eye);
    const p = { x: 0.1, y: 0.2, z: -0.3 };
    const q = { x: p.x + (p.x - eye.x) * 0.7, y: p.y + (p.y - eye.y) * 0.7, z: p.z + (p.z - eye.z) * 0.7 };
    const [px, py, pd] = camera.project(p);
    const [qx, qy, qd] = camera.project(q);
    expect(qx).toBeCloseTo(px, 12);
    expect(qy).toBeCloseTo(py, 12);
    expect(qd).toBeGreaterThan(pd);
    const [cx, cy] = camera.project({ x: 0, y: 0, z: 0 });
    expect(Math.hypot(cx, cy)).toBeCloseTo(0, 12);

    const sym = makeCamera({ x: 1.25, y: 1.25, z: 1.25 });
    const left = sym.project({ x: 0.5, y: -0.5, z: 0.5 });
    const right = sym.project({ x: -0.5, y: 0.5, z: 0.5 });
    expect(left[0]).toBeCloseTo(-right[0], 12);
    expect(left[1]).toBeCloseTo(right[1], 12);
    expect(left[0]).toBeLessThan(0); // from (+,+,+) the +x corner lies lower left, +y lower right, as in Plotly
    expect(sym.project({ x: 0, y: 0, z: 0.5 })[1]).toBeGreaterThan(0); // z up
  });

  it('refuses an eye at the centre or not finite, showing it', () => {
    expect(() => makeCamera({ x: 0, y: 0, z: 0 })).toThrow(OptionsError);
    expect(() => makeCamera({ x: Number.NaN, y: 1, z: 1 })).toThrow('camera eye must be finite and not at the centre (got {"x":null,"y":1,"z":1})');
  });

  it('looks straight down from above without a degenerate frame', () => {
    const [sx, sy, depth] = makeCamera({ x: 0, y: 0, z: 2 }).project({ x: 0.5, y: 0, z: 0 });
    expect(depth).toBeCloseTo(2, 12);
    expect(Number.isFinite(sx) && Number.isFinite(sy)).toBe(true);
    expect(Math.hypot(sx, sy)).toBeCloseTo((0.5 / Math.tan(Math.PI / 8)) / 2, 12);
  });
});
