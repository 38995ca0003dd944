import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `npm run build`: dist/index.html and dist/assets/<name>-<hash>.js|css (the gateway serves them
// at / with long-lived cache headers for the hashed assets). `npm run dev -w @lma/console`
// proxies the API and the console settings to a gateway on :4000.
/** The vendor chunk a library's module goes to, or undefined for the chunk of what imports it. */
function vendorChunk(id: string): string | undefined {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(id);
  // style sheets stay with the entry (main.tsx imports them all): in a library's chunk they would make the entry load its code
  if (!m || id.endsWith('.css')) return undefined;
  const pkg = m[1]!;
  if (['react', 'react-dom', 'scheduler', 'react-router'].includes(pkg)) return 'react';
  if (['@mantine/charts', 'recharts'].includes(pkg) || pkg.startsWith('d3-') || ['victory-vendor', 'decimal.js-light', 'eventemitter3', 'lodash', 'react-smooth', 'recharts-scale', 'tiny-invariant', 'internmap', 'react-is', 'fast-equals'].includes(pkg)) return 'charts';
  if (pkg === '@mantine/dates' || pkg === 'dayjs') return 'dates';
  if (pkg.startsWith('@mantine/') || pkg.startsWith('@floating-ui/') || ['react-remove-scroll', 'react-remove-scroll-bar', 'react-style-singleton', 'use-callback-ref', 'use-sidecar', 'get-nonce', 'tslib', 'react-number-format', 'react-textarea-autosize', 'type-fest', 'clsx'].includes(pkg)) return 'mantine';
  if (pkg === '@tanstack/query-core' || pkg === '@tanstack/react-query') return 'query';
  if (pkg === 'oidc-client-ts' || pkg === 'jwt-decode') return 'oidc';
  return undefined;
}

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    sourcemap: false,
    // pages are their own chunks (routes.tsx); libraries are grouped by what needs them, so a
    // page without a chart never loads the chart library, and a new build of the console's own
    // code leaves the libraries' hashed files (and the browser's cache of them) as they were
    rollupOptions: { output: { manualChunks: vendorChunk } },
  },
  server: {
    port: 5173,
    proxy: { '/api': 'http://127.0.0.1:4000', '/console-config.json': 'http://127.0.0.1:4000' },
  },
});
