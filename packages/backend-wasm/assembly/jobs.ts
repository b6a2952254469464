// One entry point for work split across threads: a job is a kind (src/codes.ts's Job) followed by
// its int32 argument words (floats by their bit patterns). Pool workers run the job in their
// control slot; the calling thread runs its own share through the same function.

import { AdamField, Job } from '../src/codes';
import { attention } from './attention';
import { convImages } from './conv';
import { crossEntropyRows } from './crossentropy';
import { broadcastWith, cast, binaryDenseF32, unaryF32 } from './elementwise';
import { gemm } from './gemm';
import { adamUpdate, sgdUpdate } from './optimizer';
import { poolPlanes } from './pool';
import { reduceF32, rowSumF32 } from './reduce';
import { resizeAxisF32 } from './resize';
import { cumsum32 } from './scan';
import { sortRows32 } from './sort';

@inline function word(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}

@inline function real(p: usize, i: i32): f32 {
  return reinterpret<f32>(load<i32>(p + (<usize>i << 2)));
}

/** Runs the job at `job` (kind, then arguments); `scratch` holds gemmScratchBytes() bytes. */
export function runJob(job: usize, scratch: usize): void {
  const kind = load<i32>(job);
  const a = job + 4;
  switch (kind) {
    case Job.gemm:
      gemm(a, scratch);
      break;
    case Job.attention:
      attention(a, scratch);
      break;
    case Job.unary: {
      const from = word(a, 3);
      const off = <usize>from << 2;
      unaryF32(word(a, 0), <usize>word(a, 1) + off, <usize>word(a, 2) + off, word(a, 4) - from);
      break;
    }
    case Job.binary: {
      const from = word(a, 4);
      const off = <usize>from << 2;
      binaryDenseF32(word(a, 0), <usize>word(a, 1) + off, <usize>word(a, 2) + off, <usize>word(a, 3) + off, word(a, 5) - from);
      break;
    }
    case Job.adam: {
      const from = word(a, AdamField.from);
      const off = <usize>from << 2;
      const vmax = <usize>word(a, AdamField.vmax);
      adamUpdate(
        <usize>word(a, AdamField.p) + off, <usize>word(a, AdamField.g) + off,
        <usize>word(a, AdamField.m) + off, <usize>word(a, AdamField.v) + off, vmax ? vmax + off : 0,
        word(a, AdamField.to) - from,
        real(a, AdamField.lr), real(a, AdamField.beta1), real(a, AdamField.beta2), real(a, AdamField.eps),
        real(a, AdamField.weightDecay), word(a, AdamField.decoupled) != 0, real(a, AdamField.bc1), real(a, AdamField.sqrtBc2),
      );
      break;
    }
    case Job.crossEntropy:
      crossEntropyRows(a);
      break;
    case Job.conv:
      convImages(a, scratch);
      break;
    case Job.sort:
      sortRows32(word(a, 0) != 0, <usize>word(a, 1), word(a, 2), word(a, 3), word(a, 4) != 0, <usize>word(a, 5), <usize>word(a, 6), <usize>word(a, 7));
      break;
    case Job.cumsum:
      cumsum32(word(a, 0) != 0, <usize>word(a, 1), <usize>word(a, 2), word(a, 3), word(a, 4), word(a, 5), word(a, 6) != 0);
      break;
    case Job.resize:
      resizeAxisF32(
        <usize>word(a, 0), <usize>word(a, 1), word(a, 2), word(a, 3), word(a, 4), word(a, 5),
        <usize>word(a, 6), <usize>word(a, 7), <usize>word(a, 8), word(a, 9) != 0, word(a, 10) != 0,
      );
      break;
    case Job.pool:
      poolPlanes(word(a, 0), <usize>word(a, 1), <usize>word(a, 2), <usize>word(a, 3), word(a, 4), <usize>word(a, 5), word(a, 6) != 0, word(a, 7), word(a, 8));
      break;
    case Job.broadcast:
      broadcastWith(word(a, 0), word(a, 1), <usize>word(a, 2), <usize>word(a, 3), <usize>word(a, 4), <usize>word(a, 5), <usize>word(a, 6), scratch);
      break;
    case Job.cast:
      cast(word(a, 0), <usize>word(a, 1), <usize>word(a, 2), word(a, 3));
      break;
    case Job.reduce: {
      const op = word(a, 0);
      if (op < 0) rowSumF32(<usize>word(a, 1), <usize>word(a, 2), word(a, 3), word(a, 4));
      else reduceF32(op, <usize>word(a, 1), <usize>word(a, 2), word(a, 3), word(a, 4), word(a, 5));
      break;
    }
    case Job.sgd:
      sgdUpdate(
        <usize>word(a, 0), <usize>word(a, 1), <usize>word(a, 2), word(a, 3),
        real(a, 4), real(a, 5), real(a, 6), word(a, 7) != 0, real(a, 8), word(a, 9) != 0,
      );
      break;
    default:
      break;
  }
}
