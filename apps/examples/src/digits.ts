/**
 * digits: an MLP (64 → 128 → ReLU → 10) trained with Adam on 80 % of the 8x8 digits, tested on
 * the other 20 % after every epoch. Reaches 95 %+ test accuracy in a few seconds.
 */
import { CrossEntropyLoss } from '@nnet/loss';
import { manualSeed } from '@nnet/tensor';
import { loadDigits } from './digits_data.js';
import { digitsModel, digitsOptimizer, splitDigits } from './digits_model.js';
import { percent } from './format.js';
import { type ExampleOptions, runTraining, type TrainingResult } from './session.js';

export async function runDigits(options: ExampleOptions = {}): Promise<TrainingResult> {
  const seed = options.seed ?? 0;
  manualSeed(seed);
  const data = splitDigits(loadDigits(), seed);
  const model = digitsModel();
  const result = await runTraining(
    {
      title: 'digits: MLP 64-128-10',
      model,
      optimizer: digitsOptimizer(model),
      loss: new CrossEntropyLoss(),
      train: data.train,
      test: data.test,
      epochs: options.epochs ?? 30,
    },
    options,
  );
  if (!options.quiet)
    console.log(`test accuracy: ${percent(result.accuracy)} on ${data.testSize} held-out digits`);
  return result;
}
