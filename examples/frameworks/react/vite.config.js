import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  base: './',
  // The test builds in development mode: React's development build alone is ~490 kB, past Vite's
  // 500 kB advice for production chunks, which does not apply here.
  build: { chunkSizeWarningLimit: 1000 },
});
