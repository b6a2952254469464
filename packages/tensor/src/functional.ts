/**
 * Free-function forms of the view methods (the ops modules export the rest directly), so every
 * op exists both as `x.op(...)` and as `op(x, ...)`.
 */
export {
  reshape,
  view,
  transpose,
  t,
  permute,
  squeeze,
  unsqueeze,
  expand,
  narrow,
  slice,
  select,
  flatten,
  contiguous,
  clone,
  detach,
} from './ops/views.js';
