import { describe, expect, it } from 'vitest';
import {
  MemoryVaultStore,
  PhiError,
  PhiVault,
  pseudonymize,
  redactText,
  reidentify,
} from './index.js';

describe('pseudonymize', () => {
  it('gives consistent placeholders within a conversation and maps answers back', () => {
    const vault = new PhiVault('conv-1');
    const a = pseudonymize('Dr. Sarah Johnson saw John Smith on 7/22. MRN: ST-998877.', vault);
    expect(a.text).toBe('Dr. [PATIENT_1] saw [PATIENT_2] on [DATE_1]. MRN: [MRN_1].');
    expect(a.counts).toEqual({ NAME: 2, DATE: 1, MRN: 1 });
    const b = pseudonymize('Is John Smith still on warfarin since 7/22?', vault);
    expect(b.text).toBe('Is [PATIENT_2] still on warfarin since [DATE_1]?');
    expect(reidentify('[PATIENT_2] should continue; recheck INR after [DATE_1].', vault)).toBe(
      'John Smith should continue; recheck INR after 7/22.',
    );
  });

  it('tolerates placeholders the model changed: case, brackets, plurals, possessives', () => {
    const vault = new PhiVault('conv-2');
    pseudonymize('John Smith and Mary Jones', vault);
    expect(reidentify("[patient_1]'s wife", vault)).toBe("John Smith's wife");
    expect(reidentify('PATIENT_1 is stable', vault)).toBe('John Smith is stable');
    expect(reidentify("[PATIENT_1]'s INR", vault)).toBe("John Smith's INR");
    expect(reidentify('(Patient_2) and {PATIENT 1}', vault)).toBe('Mary Jones and John Smith');
    expect(reidentify('[PATIENTS_2] chart', vault)).toBe('Mary Jones chart');
    expect(reidentify('<patient-1>', vault)).toBe('John Smith');
    expect(reidentify('[PATIENT_9] and patient 1 of 3', vault)).toBe(
      '[PATIENT_9] and patient 1 of 3',
    );
  });

  it('never lets input text collide with placeholders', () => {
    const vault = new PhiVault('conv-3');
    const r = pseudonymize('Template says [PATIENT_1]; the real one is John Smith.', vault);
    expect(r.escapedLiterals).toBe(1);
    expect(r.text).toBe('Template says [TEXT_1]; the real one is [PATIENT_1].');
    expect(reidentify('[TEXT_1] means [PATIENT_1]', vault)).toBe('[PATIENT_1] means John Smith');
  });

  it('shifts dates by a fixed offset per conversation, keeping intervals, and restores them', () => {
    const vault = new PhiVault('conv-4', 30);
    const r = pseudonymize('Admitted 2023-01-08, discharged January 15, 2023.', vault);
    expect(r.text).toBe('Admitted 2023-02-07, discharged 2023-02-14.');
    expect(reidentify('Stay from 2023-02-07 to February 14, 2023 (7 days).', vault)).toBe(
      'Stay from 2023-01-08 to January 15, 2023 (7 days).',
    );
  });

  it('persists through serialize/restore and a VaultStore', async () => {
    const store = new MemoryVaultStore();
    const vault = new PhiVault('conv-5');
    pseudonymize('John Smith, MRN: 1234567', vault);
    await store.save('conv-5', vault.serialize());
    const snapshot = await store.load('conv-5');
    expect(snapshot).toBeDefined();
    const restored = PhiVault.restore(snapshot!);
    expect(pseudonymize('John Smith again, and Mary Jones', restored).text).toBe(
      '[PATIENT_1] again, and [PATIENT_2]',
    );
    expect(reidentify('[MRN_1]', restored)).toBe('1234567');
    expect(() => PhiVault.restore(snapshot!, 'other-conversation')).toThrow(PhiError);
  });
});

describe('redactText', () => {
  it('replaces identifiers by their type', () => {
    expect(redactText('Call John Smith at 410-422-6213.').text).toBe('Call [NAME] at [PHONE].');
  });
});

describe('pseudonymize: identifiers known from earlier messages', () => {
  it('replaces a surname given alone later in the same conversation, in any case', () => {
    const vault = new PhiVault('conv-known');
    expect(pseudonymize('Mr John Quimby, 71, came in with chest pain.', vault).text).toBe(
      'Mr [PATIENT_1], 71, came in with chest pain.',
    );
    const later = pseudonymize('Surname: Quimby. Has quimby had a stress test?', vault);
    expect(later.text).not.toMatch(/quimby/i);
    expect(later.counts.NAME).toBe(2);
  });

  it('does not take an ordinary word for a known name unless it is capitalised', () => {
    const vault = new PhiVault('conv-known-2');
    pseudonymize('Daughter Rose Quimby called.', vault);
    expect(pseudonymize('The rash rose on the arm; Rose will call back.', vault).text).toBe(
      'The rash rose on the arm; [PATIENT_2] will call back.',
    );
  });

  it('replaces the whole name when a zero-width space hides inside it', () => {
    const vault = new PhiVault('conv-zw');
    const r = pseudonymize('Patient Jo\u200Bhn Quimby was seen.', vault);
    expect(r.text).toBe('Patient [PATIENT_1] was seen.');
  });
});
