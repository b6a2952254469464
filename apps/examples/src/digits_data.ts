/**
 * Loads the 8x8 digits file from disk (Node); the parser is in digits_csv.ts (browser-safe).
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { type Digits, parseDigitsCsv } from './digits_csv.js';

export { type Digits, parseDigitsCsv } from './digits_csv.js';

/** Loads the shipped digits file (or another path to a .csv or .csv.gz). */
export function loadDigits(path: string | URL = new URL('../data/digits.csv.gz', import.meta.url)): Digits {
  const raw = readFileSync(path);
  const text = raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
  return parseDigitsCsv(text);
}
