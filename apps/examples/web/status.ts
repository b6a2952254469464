/** The page's description of a worker's backend (both demos' status lines). */
import type { BackendInfo } from './protocol.js';

/** "Backend: wasm (WebAssembly SIMD) · threads: 2 · cross-origin isolated: yes". */
export function describeBackend(m: BackendInfo): string {
  const detail =
    m.backend === 'wasm'
      ? ' (WebAssembly SIMD)'
      : m.adapter
        ? ` (${m.adapter})`
        : m.simd
          ? ''
          : ' (no WebAssembly SIMD here)';
  return `Backend: ${m.backend}${detail} · threads: ${m.threads} · cross-origin isolated: ${m.isolated ? 'yes' : 'no'}`;
}

/** Sets the status element's text and its data-backend / data-threads / data-adapter attributes. */
export function showBackend(status: HTMLElement, m: BackendInfo, extra = ''): void {
  status.textContent = describeBackend(m) + extra;
  status.dataset.backend = m.backend;
  status.dataset.threads = String(m.threads);
  status.dataset.adapter = m.adapter ?? '';
}
