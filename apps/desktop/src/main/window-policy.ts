import type { WebPreferences } from 'electron';
import { isAppUrl } from './app-protocol.js';

/**
 * The window's security posture, as data so it is tested without Electron. Nothing here is
 * negotiable per feature: the renderer is an untrusted web page that talks only to the engine.
 */
export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    safeDialogs: true,
  };
}

export interface PermissionRequest {
  readonly permission: string;
  readonly requestingUrl?: string;
  readonly mediaTypes?: readonly string[];
}

/** Microphone for our own page, nothing else: no camera, no screen, no notifications, no geolocation. */
export function isPermissionAllowed({
  permission,
  requestingUrl,
  mediaTypes,
}: PermissionRequest): boolean {
  if (!isAppUrl(requestingUrl)) return false;
  if (permission !== 'media') return false;
  // A permission *check* carries no media types; a *request* must be audio only.
  return (
    mediaTypes === undefined || (mediaTypes.length > 0 && mediaTypes.every((t) => t === 'audio'))
  );
}
