/** Number formats of the examples' console output. */

/** `value.toFixed(digits)` without the minus sign of a value that rounds to zero: `-0.00001` → `0.0000`. */
export function fixed(value: number, digits: number): string {
  const s = value.toFixed(digits);
  return Number(s) === 0 ? (0).toFixed(digits) : s;
}

/** A fraction as a percentage with fixed decimals: `percent(0.9993)` → `99.93 %`, `percent(1)` → `100.00 %`. */
export function percent(fraction: number, digits = 2): string {
  return `${(fraction * 100).toFixed(digits)} %`;
}

/**
 * A `train()` `onEpoch` callback that logs a labelled line every `every` epochs and after the last:
 * `epoch 500/5000  loss 0.01234` (epochs 1-based, the loss with 4 significant digits).
 */
export function logLossEvery(
  every: number,
  numEpochs: number,
  log: (line: string) => void,
): (epoch: number, loss: number) => undefined {
  const width = String(numEpochs).length;
  return (epoch, loss) => {
    if (epoch % every === 0 || epoch === numEpochs - 1)
      log(`epoch ${String(epoch + 1).padStart(width)}/${numEpochs}  loss ${loss.toPrecision(4)}`);
    return undefined;
  };
}
