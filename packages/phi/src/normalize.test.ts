import { describe, expect, it } from 'vitest';
import { detectPhi, normalizeText } from './index.js';

const found = (text: string): [string, string][] =>
  detectPhi(text).map((s) => [text.slice(s.start, s.end), s.type]);

describe('normalizeText', () => {
  it('maps fullwidth and other-script digits, drops invisible characters, keeps offsets', () => {
    const input = 'MRN ８８\u00AD２ and ٤١٠ Jo\u200Bhn';
    const n = normalizeText(input);
    expect(n.text).toBe('MRN 882 and 410 John');
    const at = n.text.indexOf('John');
    expect(n.toInput(at, at + 4)).toEqual({ start: input.indexOf('Jo'), end: input.length });
    expect(n.toInput(4, 7)).toEqual({ start: 4, end: 8 });
  });

  it('turns dashes into hyphens only beside digits', () => {
    expect(normalizeText('555–123—4567 and this—that').text).toBe('555-123-4567 and this—that');
  });

  it('is the identity on ASCII text', () => {
    const n = normalizeText('plain text');
    expect(n.text).toBe('plain text');
    expect(n.toInput(2, 5)).toEqual({ start: 2, end: 5 });
  });
});

describe('detectPhi: evasions', () => {
  it('finds phone numbers as bare runs, with dashes, in words and in other digit scripts', () => {
    expect(found('call me at 5551234567 today')).toEqual([['5551234567', 'PHONE']]);
    expect(found('phone 555–123–4567')).toEqual([['555–123–4567', 'PHONE']]);
    expect(found('phone 555 — 123 — 4567')).toEqual([['555 — 123 — 4567', 'PHONE']]);
    expect(found('it is five five five, one two three, four five six seven.')).toEqual([
      ['five five five, one two three, four five six seven', 'PHONE'],
    ]);
    expect(found('phone ٥٥٥-١٢٣-٤٥٦٧')).toEqual([['٥٥٥-١٢٣-٤٥٦٧', 'PHONE']]);
    expect(found('phone ５５５-１２３-４５６７')).toEqual([['５５５-１２３-４５６７', 'PHONE']]);
  });

  it('finds a date of birth and MRN in fullwidth digits, and an MRN with a soft hyphen', () => {
    expect(found('DOB １２/０１/１９４８ MRN ８８２１３４５')).toEqual([
      ['１２/０１/１９４８', 'DATE'],
      ['８８２１３４５', 'MRN'],
    ]);
    expect(found('MRN 8821\u00AD3456')).toEqual([['8821\u00AD3456', 'MRN']]);
  });

  it('replaces the whole of a name with a zero-width space inside it', () => {
    expect(found('Patient Jo\u200Bhn Quimby was seen')).toEqual([['Jo\u200Bhn Quimby', 'NAME']]);
  });

  it('finds a name after a form label', () => {
    expect(found('Surname: Quimby')).toEqual([['Quimby', 'NAME']]);
    expect(found('Last name: rose hill')).toEqual([['rose hill', 'NAME']]);
  });

  it('leaves ordinary counting in words alone', () => {
    expect(found('one or two tablets, three to four times a day')).toEqual([]);
  });
});
