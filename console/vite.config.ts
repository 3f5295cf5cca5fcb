import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Served by the API at /console (one origin); `npm run dev` proxies the API to a local one.
export default defineConfig({
  base: '/console/',
  plugins: [react()],
  resolve: {
    // Preact's React compatibility layer at run time (the code is written and typed against React):
    // the same components in a bundle a third the size, which the inbox's first paint depends on.
    alias: [
      { find: /^react\/jsx-runtime$/, replacement: 'preact/jsx-runtime' },
      { find: /^react\/jsx-dev-runtime$/, replacement: 'preact/jsx-dev-runtime' },
      { find: /^react-dom\/client$/, replacement: 'preact/compat/client' },
      { find: /^react-dom$/, replacement: 'preact/compat' },
      { find: /^react$/, replacement: 'preact/compat' },
    ],
  },
  server: {
    proxy: {
      '/v1': { target: 'http://localhost:3000', changeOrigin: false },
    },
  },
  build: {
    outDir: 'dist',
    sourcemap: false,
    chunkSizeWarningLimit: 800,
  },
});
