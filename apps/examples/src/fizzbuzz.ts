/**
 * FizzBuzz, the classic second toy problem: inputs are the 10-bit binary digits of n, outputs the
 * four classes [n, "fizz", "buzz", "fizzbuzz"]. Trained on 101..1023, evaluated on 1..100, which
 * the network never saw.
 */
import { Linear, Sequential, Tanh } from '@nnet/layers';
import { SGD } from '@nnet/optim';
import { manualSeed, tensor } from '@nnet/tensor';
import { BatchIterator, train } from '@nnet/train';
import { logLossEvery, percent } from './format.js';

/** The 10 binary digits of x, least significant first. */
export function binaryEncode(x: number): number[] {
  return Array.from({ length: 10 }, (_, i) => (x >> i) & 1);
}

/** One-hot [n, fizz, buzz, fizzbuzz]. */
export function fizzBuzzEncode(x: number): number[] {
  if (x % 15 === 0) return [0, 0, 0, 1];
  if (x % 5 === 0) return [0, 0, 1, 0];
  if (x % 3 === 0) return [0, 1, 0, 0];
  return [1, 0, 0, 0];
}

function label(x: number, cls: number): string {
  return [String(x), 'fizz', 'buzz', 'fizzbuzz'][cls];
}

export interface FizzBuzzResult {
  accuracy: number;
  predictions: string[];
}

export function runFizzBuzz(
  options: { seed?: number; epochs?: number; log?: (line: string) => void; quiet?: boolean } = {},
): FizzBuzzResult {
  manualSeed(options.seed ?? 0);
  const log = options.log ?? ((l: string) => console.log(l));
  const trainRange = Array.from({ length: 1024 - 101 }, (_, i) => i + 101);
  const inputs = tensor(trainRange.map(binaryEncode));
  const targets = tensor(trainRange.map(fizzBuzzEncode));
  const net = new Sequential(new Linear(10, 50), new Tanh(), new Linear(50, 4));
  const numEpochs = options.epochs ?? 1500;
  train(net, inputs, targets, {
    numEpochs,
    iterator: new BatchIterator({ batchSize: 32 }),
    optimizer: new SGD(net.parameters(), { lr: 0.05, momentum: 0.9 }),
    quiet: true,
    onEpoch: options.quiet ? undefined : logLossEvery(100, numEpochs, log),
  });
  const testRange = Array.from({ length: 100 }, (_, i) => i + 1);
  const x = tensor(testRange.map(binaryEncode));
  const out = net.forward(x);
  const cls = out.argmax(1);
  const predicted = Array.from(cls.dataSync());
  let correct = 0;
  const predictions = testRange.map((n, i) => {
    const truth = fizzBuzzEncode(n).indexOf(1);
    if (predicted[i] === truth) correct++;
    return label(n, predicted[i]);
  });
  const accuracy = correct / testRange.length;
  if (!options.quiet) {
    log(predictions.join(' '));
    log(`accuracy on 1..100: ${percent(accuracy)} (${correct}/100)`);
  }
  for (const t of [inputs, targets, x, out, cls]) t.dispose();
  net.dispose();
  return { accuracy, predictions };
}
