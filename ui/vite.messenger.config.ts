import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig, loadEnv, type Plugin } from 'vite';

// The customer's Messenger (docs/messenger.md): a second entry of this app, built on its own into
// dist-messenger/ and served by inbox-server under /messenger/. The page is index.html; embed.js
// (public dir, copied as is: a fixed name for the one script tag) and hashed assets/ beside it.

const API = /^\/messenger\/(config|session|me|home|state|tickets|ticket_types|conversations|stream|logout)(\/|\?|$)/;

/** Output the page as index.html (the entry is messenger.html, beside the app's index.html). */
function pageAsIndex(): Plugin {
  return {
      name: 'messenger-page-as-index',
      enforce: 'post',
      generateBundle(_options, bundle) {
        const page = bundle['messenger.html'];
        if (!page || page.type !== 'asset') return;
        delete bundle['messenger.html'];
        this.emitFile({ type: 'asset', fileName: 'index.html', source: page.source });
      },
    };
  }

  /** Dev only: /messenger and /messenger/ serve the page (as the server does), API paths excepted. */
  function devPage(): Plugin {
    return {
      name: 'messenger-dev-page',
      configureServer(dev) {
        dev.middlewares.use((incoming, _res, next) => {
          const req = incoming as unknown as { url?: string };
          const url = req.url ?? '';
          const path = url.split('?')[0];
          if (path === '/messenger' || path === '/messenger/') {
            const query = url.slice(path.length);
            req.url = `/messenger/messenger.html${query}`;
          }
          next();
        });
      },
    };
  }

export default defineConfig(({ mode }) => {
  // Dev only: the inbox-server the API paths go to (MESSENGER_SERVER in the environment).
  const server = loadEnv(mode, '.', 'MESSENGER_').MESSENGER_SERVER || 'http://127.0.0.1:8093';
  return {
    plugins: [svelte(), pageAsIndex(), devPage()],
    base: '/messenger/',
    publicDir: 'messenger-public',
    clearScreen: false,
    server: {
      port: 1430,
      strictPort: true,
      watch: { ignored: ['**/src-tauri/**', '**/target/**'] },
      proxy: {
        // The API paths go to a running inbox-server; the page itself is Vite's.
        [API.source]: { target: server, changeOrigin: true },
        '/brands': { target: server, changeOrigin: true },
      },
    },
    build: {
      outDir: 'dist-messenger',
      emptyOutDir: true,
      target: 'es2022',
      rollupOptions: { input: 'messenger.html' },
    },
  };
});
