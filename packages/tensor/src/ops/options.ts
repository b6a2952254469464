/**
 * Option objects: one check shared by every op that takes `{ ... }` options, so that a misspelt or
 * unsupported key (`maxPool2d(x, 2, { ceilmode: true })`) fails loudly instead of being ignored.
 */
import { ValueError } from '../errors.js';

/**
 * Throws a ValueError naming `op`, the first unknown key and the accepted ones when `options` has a
 * key outside `accepted`. Keys whose value is `undefined` are still checked (a typo is a typo).
 */
export function checkOptions(
  op: string,
  options: object | undefined | null,
  accepted: readonly string[],
): void {
  if (options === undefined || options === null) return;
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new ValueError(
      `${op}: options must be an object like { ${accepted[0] ?? ''}: ... }, got ${String(options)}.`,
    );
  }
  for (const key of Object.keys(options)) {
    if (!accepted.includes(key)) {
      throw new ValueError(
        `${op}: unknown option '${key}'; the accepted options are ${accepted.length ? accepted.map((k) => `'${k}'`).join(', ') : 'none'}.`,
      );
    }
  }
}
