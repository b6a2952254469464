// The same packages under `lib: ["es2022", "esnext.disposable", "dom"]` (a browser application):
// `using` releases a tensor, and the opt-in wasm backend's types (which name WebAssembly) resolve.
import { ready, setBackend, tensor } from 'nnet';
import { setThreads, simdSupported } from 'nnet/wasm';

export async function run(): Promise<number> {
  if (simdSupported()) await setBackend('wasm');
  else await ready();
  setThreads(1);
  using t = tensor([1, 2, 3]).mul(2);
  return (await t.sum().data())[0]!;
}
