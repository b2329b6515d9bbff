/**
 * What the login page says after the door refused a sign-in: the server's Retry-After, in words, in the page's
 * language. Against the real app on a real port, through the client's own ApiClient.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, ApiError } from '../../client/src/lib/api';
import { i18n } from '../../client/src/lib/i18n/i18n.svelte';
import { signInProblem } from '../../client/src/lib/state/auth.svelte';
import { waitInWords } from '../../client/src/lib/time';
import { buildTestApp, FIXTURE_PASSWORD, type TestApp } from '../helpers/app';

describe('the login page after too many failed sign-ins', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp('pglite', { loginFailuresPerUserAddress: 2 });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const address = t.app.server.address();
    // The client resolves API paths against the page's origin: here, the test server's.
    Object.defineProperty(globalThis, 'location', {
      value: new URL(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`),
      configurable: true,
    });
  }, 180_000);
  afterAll(async () => {
    Reflect.deleteProperty(globalThis, 'location');
    await t?.close();
  });

  it('finding 5: shows how long to wait, in words, from the Retry-After of the 429', async () => {
    const api = new ApiClient();
    const username = t.own.coordinator.username;
    for (let i = 0; i < 2; i++)
      await expect(api.login({ username, password: `guess ${i}` })).rejects.toMatchObject({ status: 401 });
    const refused = await api.login({ username, password: FIXTURE_PASSWORD }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ status: 429 });
    const seconds = (refused as ApiError).retryAfterSeconds!;
    expect(seconds).toBeGreaterThan(60);
    i18n.setLanguage('en', { remember: false });
    expect(signInProblem(refused)).toBe(
      `Too many failed sign-ins for this user name from this network. Try again in ${Math.ceil(seconds / 60)} minutes.`,
    );
    i18n.setLanguage('ru', { remember: false });
    expect(signInProblem(refused)).toContain('минут');
    i18n.setLanguage('en', { remember: false });
  });

  it('says waits in whole minutes, and under a minute in seconds', () => {
    expect(waitInWords(899, 'en')).toBe('15 minutes');
    expect(waitInWords(61, 'en')).toBe('2 minutes');
    expect(waitInWords(60, 'en')).toBe('1 minute');
    expect(waitInWords(45, 'en')).toBe('45 seconds');
    expect(waitInWords(0, 'en')).toBe('1 second');
  });
});
