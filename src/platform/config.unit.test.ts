import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('LIAISON_TRUST_PROXY', () => {
  const trust = (value?: string) => loadConfig(value === undefined ? {} : { LIAISON_TRUST_PROXY: value }).trustProxy;

  it('is off by default, and when false or 0', () => {
    for (const value of [undefined, '', 'false', '0']) expect(trust(value)).toBe(false);
  });

  it("takes true, a list of addresses and CIDRs, or proxy-addr's named ranges", () => {
    expect(trust('true')).toBe(true);
    expect(trust('10.0.0.0/8, 192.168.1.7,2001:db8::/32')).toEqual(['10.0.0.0/8', '192.168.1.7', '2001:db8::/32']);
    expect(trust('loopback,uniquelocal')).toEqual(['loopback', 'uniquelocal']);
  });

  it('takes a hop count as trust in the nearest hops, whatever their address', () => {
    const fn = trust('2');
    expect(typeof fn).toBe('function');
    const hops = fn as (address: string, hop: number) => boolean;
    expect([hops('198.51.100.1', 0), hops('198.51.100.1', 1), hops('198.51.100.1', 2)]).toEqual([true, true, false]);
  });

  it('refuses what is none of these, naming the setting', () => {
    for (const value of ['yes', '10.0.0.0/33', '10.0.0.1/8/1', 'example.com', '10.0.0.0/8,', '1000']) {
      expect(() => trust(value), value).toThrow(/LIAISON_TRUST_PROXY/);
    }
  });
});

describe('numeric settings', () => {
  it('fall back to their default when unset or empty', () => {
    expect(loadConfig({}).port).toBe(8080);
    expect(loadConfig({ PORT: '' }).port).toBe(8080);
    expect(loadConfig({ PORT: '0' }).port).toBe(0);
  });

  it('refuse anything but a non-negative integer, naming the variable', () => {
    for (const value of ['-1', '1.5', 'abc', '8080x', 'Infinity', 'NaN']) {
      expect(() => loadConfig({ LIAISON_MAIL_MAX_ATTEMPTS: value }), value).toThrow(/LIAISON_MAIL_MAX_ATTEMPTS/);
    }
  });
});

describe('the public URL', () => {
  it('defaults to the listening address and loses trailing slashes', () => {
    expect(loadConfig({ HOST: '0.0.0.0', PORT: '9000' }).publicUrl).toBe('http://0.0.0.0:9000');
    expect(loadConfig({ LIAISON_PUBLIC_URL: 'https://contacts.example.com//' }).publicUrl).toBe(
      'https://contacts.example.com',
    );
  });
});
