// A CommonJS application of the packed packages (Node >= 20.19 requires ES modules): inference
// with known weights and a few SGD steps on a linear regression. Prints one JSON line.
const { Linear, MSELoss, SGD, getBackendName, manualSeed, noGrad, tensor } = require('nnet');
const layers = require('@nnet/layers');

async function main() {
  manualSeed(0);
  // y = x·Wᵀ + b with W = [[1, 2]], b = [0.5]: [1, 2] -> 5.5.
  const layer = new layers.Linear(2, 1);
  layer.weight.assign(tensor([[1, 2]]));
  layer.bias.assign(tensor([0.5]));
  const linear = Array.from(await layer.forward(tensor([[1, 2]])).data());

  // Fit y = 3x - 1 by gradient descent on the mean squared error.
  const x = tensor([[0], [1], [2], [3]]);
  const y = tensor([[-1], [2], [5], [8]]);
  const model = new Linear(1, 1);
  const loss = new MSELoss();
  const opt = new SGD(model.parameters(), { lr: 0.05 });
  const losses = [];
  for (let step = 0; step < 200; step++) {
    opt.zeroGrad();
    const l = loss.forward(model.forward(x), y);
    l.backward();
    opt.step();
    losses.push((await l.data())[0]);
    l.dispose();
  }
  const slope = noGrad(() => model.weight.clone());
  console.log(
    JSON.stringify({
      backend: getBackendName(),
      linear,
      firstLoss: losses[0],
      lastLoss: losses.at(-1),
      slope: Array.from(await slope.data()),
    }),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
