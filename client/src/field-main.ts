/**
 * The observer's phone app (/field, /join?code=…): its own entry, so a phone loads a small bundle without the
 * dashboard's map, and its service worker can keep exactly this app for offline use.
 */
import { mount } from 'svelte';
import FieldApp from './lib/components/field/FieldApp.svelte';
import './app.css';

const target = document.getElementById('app');
if (target === null) throw new Error('field.html has no #app element');

mount(FieldApp, { target });

// The service worker keeps the app shell so the app opens with no network. Only in a build (Vite's dev server, which
// has hot reload, serves modules that change on every edit). Not import.meta.env.PROD: a build started from the test
// runner (NODE_ENV=test) has it false.
if ('serviceWorker' in navigator && !import.meta.hot) {
  navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch((error: unknown) => {
    console.warn('service worker not registered: the app will not open offline', error);
  });
}
