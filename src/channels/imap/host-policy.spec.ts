import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../../config/load-config.js';
import { canonicalAddress, MailboxHostPolicy } from './host-policy.js';

/** A DNS that answers from a table; an unknown name fails as getaddrinfo does. */
function dns(answers: Record<string, string[]>) {
  return (host: string) => (answers[host] ? Promise.resolve(answers[host]) : Promise.reject(new Error(`getaddrinfo ENOTFOUND ${host}`)));
}

const names = dns({
  'imap.example.com': ['93.184.215.14'],
  'rebind.example.com': ['93.184.215.14', '127.0.0.1'],
  'metadata.example.com': ['169.254.169.254'],
  'mapped.example.com': ['::ffff:10.1.2.3'],
  'mail.internal.example': ['10.20.0.5'],
  'v6.example.com': ['2a00:1450:400c:c0a::6c'],
  'dual.example.com': ['2a00:1450:400c:c0a::6c', '93.184.215.14'],
  'dual-inside.example.com': ['93.184.215.14', 'fd00::1'],
});

const refusal = { code: 'mailbox_unreachable', message: expect.stringContaining('No IMAP server could be reached') };

describe('mailbox host policy', () => {
  const production = new MailboxHostPolicy(true, [], names);

  it.each([
    '127.0.0.1',
    '127.8.9.10',
    '0.0.0.0',
    '10.0.0.1',
    '172.16.5.4',
    '172.31.255.255',
    '192.168.1.20',
    '169.254.169.254',
    '100.64.0.1',
    '100.127.255.254',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    '0:0:0:0:0:0:0:1',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
    'fe80::1%eth0',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '0:0:0:0:0:ffff:a00:1',
    '::ffff:192.168.0.1',
    '::127.0.0.1',
    'ff02::1',
  ])('refuses %s in production', async (host) => {
    await expect(production.target(host)).rejects.toMatchObject(refusal);
  });

  it('refuses a name whose DNS answers point inside, even one among public ones, and a name that does not resolve', async () => {
    for (const host of ['rebind.example.com', 'metadata.example.com', 'mapped.example.com', 'nowhere.example.com']) {
      await expect(production.target(host)).rejects.toMatchObject(refusal);
    }
  });

  it('lets public addresses through and connects to the address it checked, not the name again', async () => {
    await expect(production.target('imap.example.com')).resolves.toBe('93.184.215.14');
    await expect(production.target('v6.example.com')).resolves.toBe('2a00:1450:400c:c0a::6c');
    await expect(production.target('dual.example.com')).resolves.toBe('93.184.215.14');
    await expect(production.target('dual-inside.example.com')).rejects.toMatchObject(refusal);
    await expect(production.target('93.184.215.14')).resolves.toBe('93.184.215.14');
    await expect(production.target('100.128.0.1')).resolves.toBe('100.128.0.1'); // just past CGNAT
    await expect(production.target('172.32.0.1')).resolves.toBe('172.32.0.1'); // just past 172.16/12
  });

  it('lets through the hosts and networks MAILBOX_ALLOWED_HOSTS names, and only them', async () => {
    const allowing = new MailboxHostPolicy(true, ['MAIL.internal.example.', '192.168.10.0/24', 'fd00::/8', '127.0.0.1'], names);
    await expect(allowing.target('mail.internal.example')).resolves.toBe('mail.internal.example');
    await expect(allowing.target('192.168.10.7')).resolves.toBe('192.168.10.7');
    await expect(allowing.target('::ffff:192.168.10.7')).resolves.toBe('::ffff:192.168.10.7');
    await expect(allowing.target('fd00::25')).resolves.toBe('fd00::25');
    await expect(allowing.target('127.0.0.1')).resolves.toBe('127.0.0.1');
    await expect(allowing.target('192.168.11.7')).rejects.toMatchObject(refusal);
    await expect(allowing.target('127.0.0.2')).rejects.toMatchObject(refusal);
    await expect(allowing.target('10.20.0.5')).rejects.toMatchObject(refusal);
  });

  it('restricts nothing outside production (tests and development reach the loopback Dovecot)', async () => {
    const development = new MailboxHostPolicy(false, [], names);
    await expect(development.target('127.0.0.1')).resolves.toBe('127.0.0.1');
    await expect(development.target('localhost')).resolves.toBe('localhost');
  });

  it('judges IPv4-mapped IPv6 addresses as the IPv4 address inside', () => {
    expect(canonicalAddress('::ffff:7f00:1')).toEqual({ address: '127.0.0.1', type: 'ipv4' });
    expect(canonicalAddress('::FFFF:10.0.0.1')).toEqual({ address: '10.0.0.1', type: 'ipv4' });
    expect(canonicalAddress('2001:db8::1')).toEqual({ address: '2001:db8:0:0:0:0:0:1', type: 'ipv6' });
  });

  it('reads MAILBOX_ALLOWED_HOSTS as a list, restricted in production only, and names a malformed entry', () => {
    const config = loadConfig({ MAILBOX_ALLOWED_HOSTS: ' imap.lan , 10.0.0.0/8,fd00::/8,192.168.1.5 ' });
    expect(config.inbound.mailboxAllowedHosts).toEqual(['imap.lan', '10.0.0.0/8', 'fd00::/8', '192.168.1.5']);
    expect(loadConfig({}).inbound.mailboxAllowedHosts).toEqual([]);
    for (const value of ['10.0.0.0/33', 'imap lan', 'fd00::/129', '10.0.0.0/8/1', 'http://imap.lan']) {
      let problems: string[] = [];
      try {
        loadConfig({ MAILBOX_ALLOWED_HOSTS: value });
      } catch (error) {
        problems = (error as ConfigError).problems;
      }
      expect(problems).toEqual([`MAILBOX_ALLOWED_HOSTS must be a comma-separated list of host names, IP addresses and CIDR networks (10.0.0.0/8, fd00::/8) (got "${value}")`]);
    }
  });
});
