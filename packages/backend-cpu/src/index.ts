export { CpuBackend } from './cpu_backend.js';
export type { CpuHandle } from './handle.js';

import './register.js';
