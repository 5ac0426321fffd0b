/** Checksums and range checks that turn a digit pattern into a confident identifier. */

/** Luhn (mod 10) over the digits of `value`, ignoring spaces and dashes. */
export function luhnValid(value: string): boolean {
  const digits = value.replace(/[\s-]/g, '');
  if (!/^\d{12,19}$/.test(digits)) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** SSA rules: area 001-899 except 666, group 01-99, serial 0001-9999. */
export function ssnValid(value: string): boolean {
  const m = /^(\d{3})[- ]?(\d{2})[- ]?(\d{4})$/.exec(value);
  if (!m) return false;
  const [, area = '', group = '', serial = ''] = m;
  const a = Number(area);
  return a !== 0 && a !== 666 && a < 900 && group !== '00' && serial !== '0000';
}

export function ipv4Valid(value: string): boolean {
  const parts = value.split('.');
  return (
    parts.length === 4 &&
    parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255 && (p === '0' || !p.startsWith('0')))
  );
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function dayMonthValid(month: number, day: number): boolean {
  if (!Number.isInteger(month) || month < 1 || month > 12) return false;
  return Number.isInteger(day) && day >= 1 && day <= (DAYS_IN_MONTH[month - 1] ?? 0);
}

/** NANP: area code and exchange do not start with 0 or 1. */
export function nanpShapeValid(digits: string): boolean {
  const d = digits.length === 11 && digits.startsWith('1') ? digits.slice(1) : digits;
  return d.length === 10 && /^[2-9]\d{2}[2-9]\d{6}$/.test(d);
}
