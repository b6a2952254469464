/**
 * How the op methods reach `Tensor`. tensor.ts holds the class core (storage, lifetime, reading, the
 * autograd entry); each other file of src/methods/ declares the method forms of one family of ops on
 * the `Tensor` interface (`declare module '../tensor.js'`, each doc comment on its declaration) and
 * hands their implementations to `defineTensorMethods`, so `x.add(y)` calls `add(x, y)` of ops/binary.ts.
 *
 * Load order: tensor.ts imports the method files for their effect, so whatever reaches the class (any
 * entry, any bundle) gets every method; package.json's `sideEffects` names them so bundlers keep them.
 * A method file evaluates before tensor.ts's body (it is one of its imports) and only queues its
 * methods here; tensor.ts installs them once the class exists. Nothing else may import a method file.
 */

import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';

/**
 * Method forms of Tensor: each is checked against its declaration on `Tensor` (parameters, return
 * type), and `this` is the tensor.
 */
export type TensorMethods = Partial<Tensor> & ThisType<Tensor>;

const queued: TensorMethods[] = [];
let installedOn: Tensor | null = null;

/**
 * Puts `methods` on `prototype` the way class methods sit there (non-enumerable, writable,
 * configurable). Throws ValueError if one is there already: each method is defined once.
 */
function install(prototype: Tensor, methods: TensorMethods): void {
  const descriptors = Object.getOwnPropertyDescriptors(methods);
  for (const [name, descriptor] of Object.entries(descriptors)) {
    if (Object.hasOwn(prototype, name)) {
      throw new ValueError(
        `defineTensorMethods: Tensor.prototype.${name} is already defined; each method lives in one file.`,
      );
    }
    descriptor.enumerable = false;
  }
  Object.defineProperties(prototype, descriptors);
}

/** Called by each method file: installs `methods` on Tensor (now, or as soon as the class exists). */
export function defineTensorMethods(methods: TensorMethods): void {
  if (installedOn) install(installedOn, methods);
  else queued.push(methods);
}

/** Called once by tensor.ts after the class: installs the queued methods on its prototype. */
export function installTensorMethods(prototype: Tensor): void {
  installedOn = prototype;
  for (const methods of queued.splice(0)) install(prototype, methods);
}
