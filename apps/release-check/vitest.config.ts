import { defineConfig } from 'vitest/config';

// Packing and installing takes a while; the files run one after the other to keep the 2 cores free.
export default defineConfig({ test: { testTimeout: 60_000, hookTimeout: 120_000, fileParallelism: false } });
