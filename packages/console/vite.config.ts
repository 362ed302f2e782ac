import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';

/**
 * The console builds to `dist/`, which the Aurora server serves at `/` with an
 * SPA fallback. Workspace packages resolve to their TypeScript sources, so a
 * console build never bundles a stale SDK build.
 *
 * `npm run dev -w @aurora/console` proxies the API to AURORA_URL
 * (default http://127.0.0.1:7070), so the dev server behaves like the real origin.
 */
export default defineConfig({
  base: '/',
  plugins: [react()],
  resolve: { conditions: ['@aurora/source', ...defaultClientConditions] },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 800 },
  server: {
    proxy: { '/v1': { target: process.env.AURORA_URL ?? 'http://127.0.0.1:7070', changeOrigin: true } },
  },
});
