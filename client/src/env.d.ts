/// <reference types="svelte" />
/// <reference types="vite/client" />

import type { Map as MapLibreMap } from 'maplibre-gl';

declare global {
  interface Window {
    /**
     * The live map, for debugging in the console and for browser tests (read feature-state, wait for render). Set while
     * the map page is shown; not an API for the app's own code.
     */
    __vigilMap?: MapLibreMap;
  }
}
