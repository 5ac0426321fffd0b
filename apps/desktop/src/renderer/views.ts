/** The app's views. Later issues fill them in; until then each says so honestly. */
export const VIEWS = [
  {
    id: 'ask',
    label: 'Ask',
    title: 'Ask & conversation',
    summary:
      'Hold the push-to-talk key or type a question; answers come grounded in your local knowledge, with citations.',
  },
  {
    id: 'knowledge',
    label: 'Knowledge',
    title: 'Knowledge',
    summary:
      'Guidelines, protocols and documents the assistant answers from, searchable on this workstation.',
  },
  {
    id: 'calculators',
    label: 'Calculators',
    title: 'Calculators',
    summary: 'Medical scores and dose calculators you can run by voice or by hand.',
  },
  {
    id: 'calendar',
    label: 'Calendar',
    title: 'Calendar',
    summary: 'Add and review appointments by voice, synchronised with your clinic calendar.',
  },
  {
    id: 'files',
    label: 'Files',
    title: 'Files',
    summary: 'Search your own and your clinic’s files.',
  },
  {
    id: 'diagnostics',
    label: 'Diagnostics',
    title: 'Diagnostics',
    summary: 'Engine and server health, and timings of every voice turn.',
  },
  {
    id: 'settings',
    label: 'Settings',
    title: 'Settings',
    summary: 'Push-to-talk key, voice, server connection and privacy options.',
  },
] as const;

export type ViewId = (typeof VIEWS)[number]['id'];
export type View = (typeof VIEWS)[number];
