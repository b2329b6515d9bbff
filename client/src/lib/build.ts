/** The id of the client build this page was loaded from (written into index.html by the Vite build; null in dev). */
export function pageBuild(): string | null {
  return document.querySelector('meta[name="vigil-build"]')?.getAttribute('content') ?? null;
}
