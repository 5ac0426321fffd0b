import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { SentenceText } from './source-text.js';

afterEach(cleanup);

describe('an answer sentence as read', () => {
  it('shows a quoted list as a list, without its markers', () => {
    const { container } = render(
      <SentenceText
        text={'Symptoms include:\n- gradual loss of **side** vision\n- tunnel vision'}
      />,
    );
    expect([...container.querySelectorAll('li')].map((li) => li.textContent)).toEqual([
      'gradual loss of side vision',
      'tunnel vision',
    ]);
    expect(container.textContent).toContain('Symptoms include:');
    expect(container.textContent).not.toContain('- ');
  });

  it('leaves a plain sentence as quoted, inline Markdown dropped', () => {
    const { container } = render(<SentenceText text="Metformin is **first-line** - usually." />);
    expect(container.querySelector('ul')).toBeNull();
    expect(container.textContent).toBe('Metformin is first-line - usually.');
  });
});
