/**
 * The safetensors header's strict JSON reader (JSON.parse keeps the last of two equal keys; the
 * format forbids them), the error every malformed file raises, and the value descriptions used in
 * the safetensors messages.
 */
import { ValueError } from './errors.js';
import { isTensor } from './tensor.js';

/** The ValueError of a malformed file, naming the problem. */
export function corrupt(problem: string): ValueError {
  return new ValueError(
    `decodeSafetensors: ${problem}; the file is truncated, corrupt, or not a safetensors file.`,
  );
}

/** Parses the header JSON, refusing duplicate keys (objects come back as Maps, in key order). */
export function parseJson(text: string): unknown {
  let i = 0;
  const fail = (what: string): never => {
    throw corrupt(`the header is not valid JSON (${what} at character ${i})`);
  };
  const space = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t'))
      i++;
  };
  const string = (): string => {
    const start = i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail('an unterminated string');
    i++;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      return fail('a malformed string');
    }
  };
  const value = (depth: number): unknown => {
    if (depth > 32) fail('nesting deeper than 32 levels');
    space();
    const c = text[i];
    if (c === '{') {
      i++;
      const map = new Map<string, unknown>();
      space();
      if (text[i] === '}') {
        i++;
        return map;
      }
      for (;;) {
        space();
        if (text[i] !== '"') fail('a missing key');
        const key = string();
        if (map.has(key)) throw corrupt(`the header names ${JSON.stringify(key)} twice in one object`);
        space();
        if (text[i++] !== ':') fail("a missing ':'");
        map.set(key, value(depth + 1));
        space();
        const next = text[i++];
        if (next === '}') return map;
        if (next !== ',') fail("a missing ',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      const list: unknown[] = [];
      space();
      if (text[i] === ']') {
        i++;
        return list;
      }
      for (;;) {
        list.push(value(depth + 1));
        space();
        const next = text[i++];
        if (next === ']') return list;
        if (next !== ',') fail("a missing ',' or ']'");
      }
    }
    if (c === '"') return string();
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    const number = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    number.lastIndex = i;
    const m = number.exec(text);
    if (!m) return fail(c === undefined ? 'an unexpected end' : `an unexpected ${JSON.stringify(c)}`);
    i += m[0].length;
    return Number(m[0]);
  };
  const result = value(0);
  space();
  if (i < text.length) fail(`${JSON.stringify(text[i])} after the JSON value`);
  return result;
}

/** A plain object (not an array, Map or Tensor). */
export function isPlainObject(x: unknown): x is object {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !(x instanceof Map) && !isTensor(x);
}

/** A short description of an argument for an error message. */
export function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  if (isTensor(x)) return 'a Tensor';
  if (typeof x === 'object') return `a ${x.constructor?.name ?? 'object'}`;
  return typeof x === 'string' ? JSON.stringify(x) : `${typeof x} ${String(x)}`;
}

/** A parsed header value as it appears in the file, shortened, for an error message. */
export function describeJson(x: unknown): string {
  if (x instanceof Map) return 'an object';
  return Array.isArray(x) ? JSON.stringify(x).slice(0, 40) : (JSON.stringify(x) ?? 'nothing');
}
