/**
 * Runs each tier's longest test files first, so the two workers finish together.
 *
 * Without timings of an earlier run (a clean clone on CI has none), Vitest starts the largest files first. A short
 * file can be a long test: the bench harness (a small file that runs six bench sections) started last and ran alone
 * for minutes while the other worker sat idle. The seconds below were measured in one full run (2026-12-07, a busy
 * 2-core machine); only their order matters. Files not listed keep Vitest's order, after these.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const MEASURED_SECONDS: Record<string, number> = {
  'tests/browser/wall-display.test.ts': 333,
  'tests/bench/harness.test.ts': 290,
  'tests/server/verify-log.test.ts': 277,
  'tests/server/door.test.ts': 250,
  'tests/server/national-stations.test.ts': 209,
  'tests/browser/field-app.test.ts': 145,
  'tests/browser/field-loop.test.ts': 145,
  'tests/server/station-import-stream.test.ts': 125,
  'tests/server/operations.test.ts': 120,
  'tests/realtime/multi-instance.test.ts': 105,
  'tests/server/fuzz.test.ts': 102,
  'tests/browser/live-map.test.ts': 91,
  'tests/browser/replay.test.ts': 88,
  'tests/server/mission-cli.test.ts': 87,
  'tests/browser/coordinator-first-day.test.ts': 86,
  'tests/browser/dashboard.test.ts': 71,
  'tests/browser/results.test.ts': 57,
  'tests/browser/national-stations.test.ts': 55,
  'tests/browser/regions.test.ts': 51,
  'tests/server/demo-day.test.ts': 51,
};

export class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const base = await super.sort(files);
    const root = this.ctx.config.root;
    const seconds = (spec: TestSpecification) => MEASURED_SECONDS[spec.moduleId.slice(root.length + 1)] ?? 0;
    const position = new Map(base.map((spec, i) => [spec, i]));
    // Tiers (projects) keep their order; within one, the measured long files lead.
    return base.sort((a, b) => {
      const tier = position.get(a)! - position.get(b)!;
      if (a.project.name !== b.project.name) return tier;
      return seconds(b) - seconds(a) || tier;
    });
  }
}
