import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `npm run build`: dist/index.html and dist/assets/<name>-<hash>.js|css (the gateway serves them
// at / with long-lived cache headers for the hashed assets). `npm run dev -w @lma/console`
// proxies the API and the console settings to a gateway on :4000.
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', assetsDir: 'assets', chunkSizeWarningLimit: 2000, sourcemap: false },
  server: {
    port: 5173,
    proxy: { '/api': 'http://127.0.0.1:4000', '/console-config.json': 'http://127.0.0.1:4000' },
  },
});
