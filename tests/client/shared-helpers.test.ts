/**
 * The small helpers that server, client and seed share (shared/): one backoff rule, one distance, one list of the
 * field app's paths. Each used to be written several times with slightly different rules.
 */
import { describe, expect, it } from 'vitest';
import { REDIS_RECONNECT_BACKOFF, backoffMs } from '../../shared/backoff';
import { FIELD_APP_PATHS, isFieldAppPath } from '../../shared/field-app';
import { distanceM } from '../../shared/geo';

describe('backoffMs', () => {
  const rule = { firstMs: 250, maxMs: 5_000 };

  it('waits firstMs first, then doubles with each failed retry up to maxMs', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((n) => backoffMs(n, rule))).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000]);
  });

  it('stays within [firstMs, maxMs] for any number of retries, even absurd ones', () => {
    for (const retries of [-5, -1, 0, 1, 10, 52, 1_023, 1_024, 5_000, Number.MAX_SAFE_INTEGER]) {
      const wait = backoffMs(retries, rule);
      expect(wait).toBeGreaterThanOrEqual(rule.firstMs);
      expect(wait).toBeLessThanOrEqual(rule.maxMs);
    }
    expect(backoffMs(-3, rule)).toBe(250);
    expect(backoffMs(10_000, rule)).toBe(5_000);
  });

  it('never shrinks as failures pile up', () => {
    const waits = Array.from({ length: 40 }, (_, n) => backoffMs(n, REDIS_RECONNECT_BACKOFF));
    for (let n = 1; n < waits.length; n++) expect(waits[n]).toBeGreaterThanOrEqual(waits[n - 1]!);
    expect(waits[0]).toBe(50);
    expect(waits.at(-1)).toBe(2_000);
  });

  it('maxMs is a hard ceiling, even below firstMs', () => {
    expect(backoffMs(0, { firstMs: 900, maxMs: 600 })).toBe(600);
  });
});

describe('distanceM (haversine on a 6,371 km sphere)', () => {
  it('is zero for one point and the same both ways', () => {
    const bishkek = { lat: 42.8746, lng: 74.5698 };
    const osh = { lat: 40.5283, lng: 72.7985 };
    expect(distanceM(bishkek, bishkek)).toBe(0);
    expect(distanceM(bishkek, osh)).toBeCloseTo(distanceM(osh, bishkek), 6);
  });

  it('gives the textbook lengths: a degree of meridian, a quarter and a half of the equator', () => {
    expect(distanceM({ lat: 0, lng: 0 }, { lat: 1, lng: 0 })).toBeCloseTo(111_194.93, 1);
    expect(distanceM({ lat: 0, lng: 0 }, { lat: 0, lng: 90 })).toBeCloseTo(10_007_543.4, 0);
    // Antipodes: rounding may push the haversine term past 1, where asin alone would give NaN.
    expect(distanceM({ lat: 0, lng: 0 }, { lat: 0, lng: 180 })).toBeCloseTo(20_015_086.8, 0);
    expect(distanceM({ lat: 90, lng: 0 }, { lat: -90, lng: 0 })).toBeCloseTo(20_015_086.8, 0);
  });

  it('a degree of longitude shrinks with the cosine of the latitude', () => {
    const atBishkek = distanceM({ lat: 42.87, lng: 74.5 }, { lat: 42.87, lng: 74.6 });
    expect(atBishkek).toBeGreaterThan(8_140);
    expect(atBishkek).toBeLessThan(8_160);
  });

  it('Paris to London is about 343.5 km', () => {
    const km = distanceM({ lat: 48.8566, lng: 2.3522 }, { lat: 51.5074, lng: -0.1278 }) / 1000;
    expect(km).toBeGreaterThan(343);
    expect(km).toBeLessThan(344);
  });
});

describe('isFieldAppPath', () => {
  it('opens the field app at its paths, with or without a trailing slash', () => {
    expect(FIELD_APP_PATHS).toEqual(['/field', '/join']);
    for (const path of ['/field', '/field/', '/join', '/join/']) expect(isFieldAppPath(path)).toBe(true);
  });

  it('leaves every other path to the dashboard', () => {
    for (const path of ['/', '/display', '/fieldwork', '/api/auth/join', '/field/extra', '/field.html']) {
      expect(isFieldAppPath(path)).toBe(false);
    }
  });
});
