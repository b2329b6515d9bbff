// tsc does not read .svelte files (svelte-check does); this lets the .ts entry point import the root component.
declare module '*.svelte' {
  import type { Component } from 'svelte';
  const component: Component<Record<string, unknown>>;
  export default component;
}
