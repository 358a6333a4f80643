import { mount } from 'svelte';
// The interface's face, bundled: the same on every desktop, and nothing for fontconfig to look for.
import '@fontsource-variable/inter';
import '@fontsource-variable/inter/wght-italic.css';
import './app.css';
import App from './App.svelte';
import { applyTheme, savedChoice } from './lib/theme';

// Before the first paint, so a dark theme never flashes light.
applyTheme(savedChoice());

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

const app = mount(App, { target });

export default app;
