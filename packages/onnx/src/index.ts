export { UnsupportedModuleError, UnsupportedOpError } from './errors.js';
export { DEFAULT_OPSET, type ExportOptions, exportOnnx, SUPPORTED_EXPORT_OPSETS } from './export.js';
export { importOnnx, OnnxModule, SUPPORTED_IMPORT_OPSETS } from './import.js';
