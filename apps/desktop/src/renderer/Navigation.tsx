import { useRef, type KeyboardEvent } from 'react';
import { VIEWS, type View, type ViewId } from './views.js';

/**
 * The main navigation. Tab reaches the current item; arrow keys, Home and End move between items;
 * Enter or Space opens one; Alt+1…7 opens a view from anywhere (see App).
 */
export function Navigation({
  current,
  onSelect,
  views = VIEWS,
}: {
  current: ViewId;
  onSelect: (id: ViewId) => void;
  /** The views offered here (App leaves out those this workstation cannot use). */
  views?: readonly View[];
}) {
  const buttons = useRef<(HTMLButtonElement | null)[]>([]);

  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>, index: number): void => {
    const last = views.length - 1;
    let target: number;
    switch (event.key) {
      case 'ArrowDown':
      case 'ArrowRight': // the list wraps horizontally on narrow windows
        target = index === last ? 0 : index + 1;
        break;
      case 'ArrowUp':
      case 'ArrowLeft':
        target = index === 0 ? last : index - 1;
        break;
      case 'Home':
        target = 0;
        break;
      case 'End':
        target = last;
        break;
      default:
        return;
    }
    event.preventDefault();
    buttons.current[target]?.focus();
  };

  return (
    <nav className="nav" aria-label="Main">
      <ul className="nav__list">
        {views.map((view, index) => (
          <li key={view.id}>
            <button
              ref={(el) => {
                buttons.current[index] = el;
              }}
              type="button"
              className="nav__item"
              aria-current={view.id === current ? 'page' : undefined}
              aria-keyshortcuts={`Alt+${index + 1}`}
              tabIndex={view.id === current ? 0 : -1}
              onClick={() => onSelect(view.id)}
              onKeyDown={(event) => onKeyDown(event, index)}
            >
              <span className="nav__label">{view.label}</span>
              <kbd className="nav__key" aria-hidden="true">
                Alt {index + 1}
              </kbd>
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
