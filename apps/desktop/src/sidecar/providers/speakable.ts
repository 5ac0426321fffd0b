/** How a placeholder is spoken: the provider never gets the identifier, the listener gets a hint. */
const SPOKEN_PLACEHOLDER: Readonly<Record<string, string>> = {
  PATIENT: 'the patient',
  DATE: 'that date',
  AGE: 'that age',
  PHONE: 'that phone number',
  FAX: 'that fax number',
  EMAIL: 'that email address',
  ADDRESS: 'that address',
  LOCATION: 'that place',
  FACILITY: 'that facility',
  ZIP: 'that postal code',
};

/** Pseudonymized text → the text TTS gets: each `[LABEL_n]` placeholder becomes neutral words. */
export function speakablePlaceholders(text: string): string {
  return text.replace(/\[([A-Z]+)_\d{1,6}\]/g, (_m, label: string) => {
    return SPOKEN_PLACEHOLDER[label] ?? 'that detail';
  });
}
