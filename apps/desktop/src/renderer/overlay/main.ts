import { OVERLAY_BRIDGE_KEY, type OverlayBridge } from '../../shared/bridge.js';
import { overlayView } from './view.js';

/**
 * The always-on-top push-to-talk overlay (Electron only): listening / thinking / speaking and the
 * input level, from `window.voiceassistOverlay` (the overlay preload). No React, no engine access.
 */
const root = document.getElementById('overlay');
const label = root?.querySelector<HTMLElement>('.label');
const fill = root?.querySelector<HTMLElement>('.meter-fill');
const bridge = (window as Window & { [OVERLAY_BRIDGE_KEY]?: OverlayBridge })[OVERLAY_BRIDGE_KEY];

if (root && label && fill && bridge) {
  bridge.onState((state) => {
    const view = overlayView(state);
    root.dataset.phase = view.phase;
    label.textContent = view.label;
    root.classList.toggle('with-meter', view.meter !== null);
    fill.style.transform = `scaleX(${String(view.meter ?? 0)})`;
  });
}
