import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The admin console, built by `npm run build` (and so at `npm install`) into web/dist, which Roster
 * serves at `/` (src/http/console/register-console.ts). `npm run web:dev` serves it with hot reload
 * and sends the API calls to a Roster on 127.0.0.1:8080.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No inline scripts or styles: the console's CSP allows only files from Roster itself.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    chunkSizeWarningLimit: 800,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080', '/scim': 'http://127.0.0.1:8080' },
  },
});
