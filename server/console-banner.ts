/**
 * The start-up links, framed as the last thing a start prints so they are easy to find in a console. The frame is a
 * rule above and below, not side borders: each line stays exactly `Coordinator: URL user=… password=…` and so on, the
 * format the README documents and scripts read.
 */
export function boxed(lines: readonly string[]): string {
  const rule = '═'.repeat(Math.max(0, ...lines.map((line) => line.length)));
  return [rule, ...lines, rule].join('\n');
}
