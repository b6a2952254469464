// Writes the op enums of src/codes.ts (Unary, Binary, Compare, Reduce) from the contract's op lists
// in @nnet/tensor (UNARY_OPS, BINARY_OPS, COMPARE_OPS, REDUCE_OPS, its built dist): each member is
// named after its op and numbered by the op's index in the contract's list, so the TypeScript side
// and the AssemblyScript kernels read the contract's numbering. The ops the kernels leave to
// TypeScript are declared here, once (`without`): they get no member, and src/kernels/*.ts sends an
// op with no member to @nnet/kernels-js. A new contract op gets a member when this script runs:
// give it a kernel case in assembly/ (test/scalar-rules.test.ts and the conformance suite fail
// until it has one) or list it in `without`.
//
// Usage (in packages/backend-wasm, after @nnet/tensor is built):
//   node scripts/gen-codes.mjs           rewrite the generated part of src/codes.ts
//   node scripts/gen-codes.mjs --check   exit 1 when it differs from what this script writes
//                                        (test/codes.test.ts runs this)
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BINARY_OPS, COMPARE_OPS, REDUCE_OPS, UNARY_OPS } from '@nnet/tensor';

/**
 * The op enums: name, the contract list, the ops without an AssemblyScript kernel (left to
 * @nnet/kernels-js: named in the doc comment too), the doc comment's first sentence.
 */
const ENUMS = [
  {
    name: 'Unary',
    list: 'UNARY_OPS',
    ops: UNARY_OPS,
    without: ['logicalNot'],
    doc: 'Unary ops with a float32 AssemblyScript kernel (`unaryF32`).',
  },
  {
    name: 'Binary',
    list: 'BINARY_OPS',
    ops: BINARY_OPS,
    without: ['logicalAnd', 'logicalOr'],
    doc: [
      'Binary ops with an AssemblyScript kernel: every member on float32 (`binaryF32`; the codes up to',
      'div have a SIMD path), add, sub, mul, maximum and minimum on int32 (`binaryI32`, wrapping).',
    ].join('\n'),
  },
  {
    name: 'Compare',
    list: 'COMPARE_OPS',
    ops: COMPARE_OPS,
    without: [],
    doc: 'Comparisons (`compareF32`, `compareI32`).',
  },
  { name: 'Reduce', list: 'REDUCE_OPS', ops: REDUCE_OPS, without: [], doc: 'Reductions (`reduceF32`).' },
];

const BEGIN =
  "// <generated> by scripts/gen-codes.mjs from @nnet/tensor's op lists; edit that script, not this part.";
const END = '// </generated>';

/** The generated part of codes.ts, markers included. */
function render() {
  const parts = ENUMS.map(({ name, list, ops, without, doc }) => {
    for (const op of without)
      if (!ops.includes(op))
        throw new Error(`gen-codes: ${name}: '${op}' is not in ${list}; drop it from \`without\``);
    const members = ops.flatMap((op, i) => (without.includes(op) ? [] : [`  ${op} = ${i},`]));
    const comment = doc.split('\n');
    if (without.length)
      comment.push(`${without.join(', ')}: no member, run in TypeScript (@nnet/kernels-js).`);
    const head =
      comment.length === 1 ? [`/** ${comment[0]} */`] : ['/**', ...comment.map((l) => ` * ${l}`), ' */'];
    return [...head, `export enum ${name} {`, ...members, '}'].join('\n');
  });
  return [BEGIN, ...parts, END].join('\n\n');
}

const file = fileURLToPath(new URL('../src/codes.ts', import.meta.url));
const text = readFileSync(file, 'utf8');
const from = text.indexOf(BEGIN);
const to = text.indexOf(END);
if (from < 0 || to < from) {
  console.error(`gen-codes: ${file} has no "${BEGIN}" ... "${END}" part`);
  process.exit(1);
}
const next = text.slice(0, from) + render() + text.slice(to + END.length);
if (process.argv.includes('--check')) {
  if (next !== text) {
    console.error(
      "gen-codes: src/codes.ts's op enums differ from @nnet/tensor's op lists: run `node scripts/gen-codes.mjs` in packages/backend-wasm",
    );
    process.exit(1);
  }
} else if (next !== text) {
  writeFileSync(file, next);
  console.log('gen-codes: wrote src/codes.ts');
}
