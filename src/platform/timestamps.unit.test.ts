import { describe, expect, it } from 'vitest';
import { isTimestamp } from './timestamps.js';

describe('isTimestamp', () => {
  it('takes RFC 3339 as both PostgreSQL and Date read it', () => {
    const good = [
      '2024-05-17T08:30:00Z',
      '2024-05-17t08:30:00z',
      '2024-05-17T08:30:00.123456789+02:00',
      '2024-05-17T08:30:00-05:30',
      '0001-01-01T00:00:00Z',
      '9999-12-31T23:59:59.999Z',
    ];
    for (const value of good) expect(isTimestamp(value), value).toBe(true);
  });

  it('knows the calendar: February 29 only in leap years, no April 31', () => {
    expect(isTimestamp('2024-02-29T00:00:00Z')).toBe(true);
    expect(isTimestamp('2000-02-29T00:00:00Z')).toBe(true);
    expect(isTimestamp('2023-02-29T00:00:00Z')).toBe(false);
    expect(isTimestamp('1900-02-29T00:00:00Z')).toBe(false);
    expect(isTimestamp('2024-04-31T00:00:00Z')).toBe(false);
    expect(isTimestamp('2024-12-31T00:00:00Z')).toBe(true);
    expect(isTimestamp('2024-12-32T00:00:00Z')).toBe(false);
  });

  it('refuses year 0, month 0 or 13, day 0, hour 24, minute 60 and the leap second', () => {
    const bad = [
      '0000-01-01T00:00:00Z',
      '2024-00-10T00:00:00Z',
      '2024-13-10T00:00:00Z',
      '2024-01-00T00:00:00Z',
      '2024-01-10T24:00:00Z',
      '2024-01-10T10:60:00Z',
      '2016-12-31T23:59:60Z',
    ];
    for (const value of bad) expect(isTimestamp(value), value).toBe(false);
  });

  it('refuses what is not quite RFC 3339', () => {
    const bad = [
      '2024-05-17',
      '2024-05-17T08:30:00',
      '2024-05-17 08:30:00Z',
      '2024-5-17T08:30:00Z',
      '10000-01-01T00:00:00Z',
      '2024-05-17T08:30:00.Z',
      '2024-05-17T08:30:00.1234567890Z',
      '2024-05-17T08:30:00+0200',
      ' 2024-05-17T08:30:00Z',
      '2024-05-17T08:30:00Z\u0000',
      '２０２４-05-17T08:30:00Z',
    ];
    for (const value of bad) expect(isTimestamp(value), value).toBe(false);
  });

  it('refuses non-strings and anything over 40 characters before matching', () => {
    for (const value of [undefined, null, 0, Date.now(), new Date(), ['2024-05-17T08:30:00Z']]) {
      expect(isTimestamp(value)).toBe(false);
    }
    expect(isTimestamp(`2024-05-17T08:30:00.${'1'.repeat(20)}Z`)).toBe(false);
  });
});
