/**
 * A drawn digit → the 8x8 input the digits network was trained on. The UCI digits were made the
 * same way: the ink's bounding box scaled (keeping its aspect) into a centred 32x32 bitmap, then
 * the number of inked pixels (0..16) counted in each 4x4 block. We return those counts / 16.
 */
import { ValueError } from '@nnet/tensor';

/**
 * `ink` is a width x height row-major array, > 0 where the person drew. Returns 64 values in [0, 1],
 * or null when nothing was drawn.
 */
export function sketchToDigit(ink: ArrayLike<number>, width: number, height: number): Float32Array | null {
  if (
    !(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0) ||
    ink.length !== width * height
  )
    throw new ValueError(
      `sketchToDigit: ink has ${ink.length} values for a ${width}x${height} canvas; pass width * height values.`,
    );
  let top = height;
  let bottom = -1;
  let left = width;
  let right = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x] > 0) {
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
        left = Math.min(left, x);
        right = Math.max(right, x);
      }
    }
  }
  if (bottom < 0) return null;
  const boxW = right - left + 1;
  const boxH = bottom - top + 1;
  // The longer side spans the 32 pixels; the other is centred.
  const scale = 32 / Math.max(boxW, boxH);
  const offX = (32 - boxW * scale) / 2;
  const offY = (32 - boxH * scale) / 2;
  const bitmap = new Uint8Array(32 * 32);
  for (let by = 0; by < 32; by++) {
    for (let bx = 0; bx < 32; bx++) {
      // The canvas pixel under this bitmap pixel's centre.
      const x = Math.floor(left + (bx + 0.5 - offX) / scale);
      const y = Math.floor(top + (by + 0.5 - offY) / scale);
      if (x >= left && x <= right && y >= top && y <= bottom && ink[y * width + x] > 0)
        bitmap[by * 32 + bx] = 1;
    }
  }
  const digit = new Float32Array(64);
  for (let by = 0; by < 32; by++) {
    for (let bx = 0; bx < 32; bx++) digit[(by >> 2) * 8 + (bx >> 2)] += bitmap[by * 32 + bx];
  }
  for (let i = 0; i < 64; i++) digit[i] /= 16;
  return digit;
}
