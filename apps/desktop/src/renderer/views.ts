/**
 * The app's views: only what works on this workstation. A feature whose issue has not landed has
 * no entry (no placeholders); it joins this list when it does.
 */
export const VIEWS = [
  {
    id: 'ask',
    label: 'Ask',
    title: 'Ask',
    summary: 'Hold the push-to-talk key or type a question; answers cite your sources.',
  },
  {
    id: 'knowledge',
    label: 'Knowledge',
    title: 'Knowledge',
    summary:
      'Search and ask your guidelines and documents, and manage the sources answers come from.',
  },
  {
    id: 'calculators',
    label: 'Calculators',
    title: 'Calculators',
    summary:
      'Medical scores and dose calculators: type the request or fill in the form, with units.',
  },
  {
    id: 'calendar',
    label: 'Calendar',
    title: 'Calendar',
    summary:
      'Your Nextcloud calendar by day or week: add, move or cancel events, each confirmed first.',
    /** Offered only when Nextcloud is set up for this workstation (calendar.status). */
    needs: 'nextcloud',
  },
  {
    id: 'diagnostics',
    label: 'Diagnostics',
    title: 'Diagnostics',
    summary: 'Engine and server health, and the timings of every question.',
  },
  {
    id: 'settings',
    label: 'Settings',
    title: 'Settings',
    summary: 'Microphone, push-to-talk key, voice, text size and recording.',
  },
] as const;

export type ViewId = (typeof VIEWS)[number]['id'];
export type View = (typeof VIEWS)[number];

/** The views this workstation can use: one that needs Nextcloud only when it is set up. */
export const availableViews = (nextcloud: boolean): readonly View[] =>
  VIEWS.filter((v) => !('needs' in v) || nextcloud);
