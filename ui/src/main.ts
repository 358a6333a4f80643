import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { applyTheme, savedChoice } from './lib/theme';

// Before the first paint, so a dark theme never flashes light.
applyTheme(savedChoice());

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

const app = mount(App, { target });

export default app;
