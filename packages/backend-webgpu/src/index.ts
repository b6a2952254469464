export { createWebGpuBackend, type WebGpuBackendOptions } from './create.js';
export { DeviceLostError } from './errors.js';
export { type AdapterSummary, describeAdapter, isSoftwareAdapter } from './gpu.js';
export { WEBGPU_PRIORITY } from './register.js';
export { WebGpuBackend, WebGpuStorage } from './webgpu_backend.js';
