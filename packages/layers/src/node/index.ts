/**
 * `@nnet/layers/node`: safetensors files for modules, and atomic writes (Node only).
 */
export { writeFileAtomic, writeFileAtomicSync } from './atomic.js';
export { loadSafetensors, type SaveSafetensorsOptions, saveSafetensors } from './safetensors.js';
