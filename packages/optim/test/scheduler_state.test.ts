import { NNetError, zeros } from '@nnet/tensor';
import { describe, expect, it } from 'vitest';
import {
  Adam,
  CosineAnnealingLR,
  ExponentialLR,
  LinearLR,
  type LRScheduler,
  MultiStepLR,
  OneCycleLR,
  ReduceLROnPlateau,
  SGD,
  StepLR,
} from '../src/index.js';

/** Every number replaced by its 8 bytes in hex, so equality below is bit for bit (−0, NaN payloads). */
function bits(v: unknown): unknown {
  if (typeof v === 'number') {
    const b = new Uint8Array(new Float64Array([v]).buffer);
    return `f64:${[...b].map((x) => x.toString(16).padStart(2, '0')).join('')}`;
  }
  if (Array.isArray(v)) return v.map(bits);
  if (typeof v === 'object' && v !== null)
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, bits(x)]));
  return v;
}

type Sched = LRScheduler | ReduceLROnPlateau;

function twoGroups(kind: 'sgd' | 'adam'): SGD | Adam {
  const groups = [
    { params: [zeros([2], { requiresGrad: true })], options: { lr: 0.1 } },
    { params: [zeros([3], { requiresGrad: true })], options: { lr: 0.03 } },
  ];
  return kind === 'sgd' ? new SGD(groups, { lr: 0.1, momentum: 0.9 }) : new Adam(groups, { lr: 0.1 });
}

const makers: Record<string, (o: SGD | Adam) => Sched> = {
  StepLR: (o) => new StepLR(o, { stepSize: 2, gamma: 0.5 }),
  MultiStepLR: (o) => new MultiStepLR(o, { milestones: [1, 3] }),
  ExponentialLR: (o) => new ExponentialLR(o, { gamma: 0.9 }),
  CosineAnnealingLR: (o) => new CosineAnnealingLR(o, { tMax: 10, etaMin: 0.001 }),
  LinearLR: (o) => new LinearLR(o, { startFactor: 0.25, totalIters: 4 }),
  OneCycleLR: (o) => new OneCycleLR(o, { maxLr: 1, totalSteps: 6 }),
  ReduceLROnPlateau: (o) => new ReduceLROnPlateau(o, { patience: 1, cooldown: 2 }),
};

/** Dicts each wrong in one way; the last ones are well-formed but fail only while being applied. */
function badDicts(name: string, good: Record<string, unknown>): unknown[] {
  const common = [null, 3, 'state', [], { ...good, extra: 1 }];
  if (name === 'ReduceLROnPlateau') {
    return [
      ...common,
      { ...good, best: Number.NaN },
      { ...good, best: '0.5' },
      { ...good, badEpochs: -1 },
      { ...good, badEpochs: 1.5 },
      { ...good, cooldownLeft: null },
      { best: 1, badEpochs: 0 },
    ];
  }
  return [
    ...common,
    { ...good, lastEpoch: -1 },
    { ...good, lastEpoch: 1.5 },
    { ...good, lastEpoch: Number.NaN },
    { ...good, lastEpoch: '2' },
    { ...good, baseLrs: [0.1] },
    { ...good, baseLrs: [0.1, 0.2, 0.3] },
    { ...good, baseLrs: [0.1, Number.NaN] },
    { ...good, baseLrs: [0.1, '0.2'] },
    { ...good, baseLrs: 0.1 },
    { lastEpoch: 1 },
    // Well-formed, but OneCycleLR cannot take a step beyond totalSteps: refused while computing.
    ...(name === 'OneCycleLR' ? [{ ...good, lastEpoch: 7 }] : []),
  ];
}

describe('scheduler loadStateDict is all-or-nothing', () => {
  for (const [name, make] of Object.entries(makers)) {
    for (const kind of ['sgd', 'adam'] as const) {
      it(`${name} over ${kind}: every bad dict throws a typed error and changes nothing, bit for bit`, () => {
        const opt = twoGroups(kind);
        const sched = make(opt);
        for (let i = 0; i < 3; i++) {
          if (sched instanceof ReduceLROnPlateau) sched.step(1 + i * 0.5);
          else sched.step();
        }
        const good = sched.stateDict() as unknown as Record<string, unknown>;
        const snapshot = () =>
          bits({
            sched: sched.stateDict(),
            groups: opt.paramGroups.map((g) => g.options),
            lr: sched.getLastLr(),
          });
        const before = snapshot();
        const dicts = badDicts(name, good);
        for (const d of dicts) {
          let err: unknown = null;
          try {
            sched.loadStateDict(d as never);
          } catch (e) {
            err = e;
          }
          expect(err, `${JSON.stringify(d)} was accepted`).toBeInstanceOf(NNetError);
          expect((err as Error).message).toMatch(new RegExp(`^(loadStateDict\\(${name}\\)|${name}):`));
          expect(snapshot(), `after ${JSON.stringify(d)}`).toEqual(before);
        }
      });
    }

    it(`${name}: a saved state loads into a fresh scheduler and gives the same rates from there on`, () => {
      const optA = twoGroups('sgd') as SGD;
      const a = make(optA);
      const stepOnce = (s: Sched, i: number) =>
        s instanceof ReduceLROnPlateau ? s.step(2 - 0.01 * i) : s.step();
      for (let i = 0; i < 2; i++) stepOnce(a, i);
      const optB = twoGroups('sgd') as SGD;
      const b = make(optB);
      // The optimizer's own rates travel in its state dict; the scheduler restores the step count.
      optB.loadStateDict(optA.stateDict());
      b.loadStateDict(a.stateDict() as never);
      expect(bits(b.stateDict())).toEqual(bits(a.stateDict()));
      for (let i = 2; i < 5; i++) {
        stepOnce(a, i);
        stepOnce(b, i);
        expect(bits(b.getLastLr())).toEqual(bits(a.getLastLr()));
      }
    });
  }

  it('OneCycleLR: a step past totalSteps changes neither the step count nor the rates', () => {
    const opt = twoGroups('sgd');
    const s = new OneCycleLR(opt, { maxLr: 1, totalSteps: 1 });
    s.step();
    const before = bits({ s: s.stateDict(), g: opt.paramGroups.map((g) => g.options) });
    expect(() => s.step()).toThrow(/larger totalSteps/);
    expect(bits({ s: s.stateDict(), g: opt.paramGroups.map((g) => g.options) })).toEqual(before);
  });

  it('schedulers refuse unknown option keys, naming the key and the accepted ones', () => {
    const opt = twoGroups('sgd');
    expect(() => new StepLR(opt, { stepSize: 2, gama: 0.5 } as never)).toThrow(
      /StepLR: unknown option 'gama'; the options are 'stepSize', 'gamma'/,
    );
    expect(() => new ReduceLROnPlateau(opt, { patiense: 3 } as never)).toThrow(
      /ReduceLROnPlateau: unknown option 'patiense'/,
    );
  });
});
