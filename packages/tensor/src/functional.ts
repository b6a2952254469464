/**
 * Free-function forms of the view methods (the ops modules export the rest directly), so every
 * op exists both as `x.op(...)` and as `op(x, ...)`.
 */
export {
  clone,
  contiguous,
  detach,
  expand,
  flatten,
  narrow,
  permute,
  reshape,
  select,
  slice,
  squeeze,
  t,
  transpose,
  unsqueeze,
  view,
} from './ops/views.js';
