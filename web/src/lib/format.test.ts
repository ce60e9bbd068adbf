import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatCell,
  formatCount,
  formatDecimal,
  formatDuration,
  formatPercent,
  formatScore,
  formatTime,
} from './format';

describe('format', () => {
  it('sizes in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(8552408)).toBe('8.2 MiB');
    expect(formatBytes(200 * 1024 ** 3)).toBe('200 GiB');
    expect(formatBytes(-1)).toBe('—');
  });
  it('counts with grouping or compact suffixes', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(-1000)).toBe('-1,000');
    expect(formatCount(12.5)).toBe('12.5');
    expect(formatCount(124_439_808, true)).toBe('124 M');
    expect(formatCount(1_500, true)).toBe('1.5 k');
    expect(formatCount(999, true)).toBe('999');
  });
  it('durations', () => {
    expect(formatDuration(250)).toBe('250 ms');
    expect(formatDuration(2500)).toBe('2.5 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
    expect(formatDuration(3_900_000)).toBe('1 h 5 min');
  });
  it('scores, percentages and decimals', () => {
    expect(formatScore(0.8292)).toBe('82.9%');
    expect(formatScore(1)).toBe('100%');
    expect(formatScore(null)).toBe('—');
    expect(formatScore(Number.NaN)).toBe('—');
    expect(formatPercent(3, 4)).toBe(75);
    expect(formatPercent(5, 0)).toBe(0);
    expect(formatPercent(9, 4)).toBe(100);
    expect(formatDecimal(0.12345, 3)).toBe('0.123');
    expect(formatDecimal(4, 1)).toBe('4');
  });
  it('times in a given zone', () => {
    expect(formatTime(Date.UTC(2026, 10, 29, 3, 4), 'UTC')).toBe('2026-11-29 03:04');
    expect(formatTime(0)).toBe('—');
  });
  it('cells', () => {
    expect(formatCell(null)).toBe('');
    expect(formatCell(3.5)).toBe('3.5');
    expect(formatCell(false)).toBe('false');
    expect(formatCell({ a: 1 })).toBe('{"a":1}');
  });
});
