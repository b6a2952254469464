/**
 * The 8x8 digits data set (scikit-learn's digits.csv.gz, BSD-3; see data/README.md): 1797 images,
 * 64 integer pixels 0..16 then the label 0..9 per line. Loaded as float32 pixels scaled to [0, 1]
 * ([N, 64]) and int32 labels ([N]).
 */
import { type Tensor, tensor, ValueError } from '@nnet/tensor';

export interface Digits {
  images: Tensor;
  labels: Tensor;
}

/** Parses the CSV text; a malformed line throws a ValueError naming the line and the problem. */
export function parseDigitsCsv(text: string): Digits {
  const pixels: number[] = [];
  const labels: number[] = [];
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  lines.forEach((line, i) => {
    const values = line.split(',').map(Number);
    if (values.length !== 65)
      throw new ValueError(
        `digits: line ${i + 1} has ${values.length} values; expected 64 pixels and a label.`,
      );
    const label = values[64];
    if (!Number.isInteger(label) || label < 0 || label > 9)
      throw new ValueError(`digits: line ${i + 1} has label ${line.split(',')[64]}; labels are 0..9.`);
    for (let k = 0; k < 64; k++) {
      const v = values[k];
      if (!(v >= 0 && v <= 16))
        throw new ValueError(`digits: line ${i + 1}, pixel ${k} is ${line.split(',')[k]}; pixels are 0..16.`);
      pixels.push(v / 16);
    }
    labels.push(label);
  });
  return {
    images: tensor(Float32Array.from(pixels), { shape: [labels.length, 64] }),
    labels: tensor(labels, { dtype: 'int32' }),
  };
}
